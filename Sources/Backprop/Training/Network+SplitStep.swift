/// A training step split over ``Parallel/threads`` in two regions — two hand-offs a step, however
/// many layers — instead of one split per product:
///
/// | region | split by                  | each part computes                                              |
/// |--------|---------------------------|-----------------------------------------------------------------|
/// | rows   | the batch's rows          | `z = a_prev·Wᵀ + b`, `a = σ(z)` up the layers; the loss and     |
/// |        |                           | `dLoss/da^L`; down the layers `δ = dLoss/da ⊙ σ'(z)` and        |
/// |        |                           | `dLoss/da_prev = δ·W` — every one of them row by row            |
/// | units  | each layer's neurons `j`  | `dW[j, :] = Σ_batch δ[:, j]·a_prev` and `db[j] = Σ_batch δ[:, j]`, |
/// |        |                           | then the update of `W[j, :]` and `b[j]` (fused into the product |
/// |        |                           | for plain gradient descent: `W[j, :] −= η dW[j, :]`)            |
///
/// Everything the rows region computes for a sample depends on that sample alone, and the units
/// region sums over the whole batch in one product per part (a sum over k is never cut), so a
/// part's results are the same numbers as the whole batch's in one thread, but for the rounding
/// of BLAS on a smaller product. With one part this is exactly `forward`, `computeLoss`,
/// `backward` and `Optimizer.step`. The loss is the parts' sums added in part order.
extension Network {
    /// Forward, loss, backward and update of `(x, y)` (B ≥ 1 rows) without dropout, in
    /// ``Parallel/threads`` parts; returns the loss before the update.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    mutating func splitStep(_ x: Matrix<T>, _ y: Matrix<T>, optimizer: inout Optimizer<T>) -> T {
        let rows = x.rows, count = layers.count
        precondition(rows > 0 && x.cols == inputSize && y.rows == rows && y.cols == outputSize,
                     "a batch of (\(x.rows), \(x.cols)) → (\(y.rows), \(y.cols)) for \(shapeName(sizes))")
        let fused = optimizer.isPlainGradientDescent
        if !fused { optimizer.prepareState(for: self) }
        optimizer.steps += 1
        let (rule, eta) = (optimizer.rule, optimizer.learningRate)
        let (loss, isDelta) = (self.loss, lossGradientIsDelta)
        let scale: T = reduction == .mean ? 1 / T(rows) : 1
        if lossGradient.rows != rows || lossGradient.cols != outputSize { lossGradient.resize(rows: rows, cols: outputSize) }
        let gradientBase = lossGradient.storage.base
        var work = 0                                  // multiply-adds of the forward pass
        for l in 0..<count { work += rows * layers[l].inputSize * layers[l].outputSize }
        let parts = Parallel.parts(work: work)
        return withUnsafeTemporaryAllocation(of: DenseBuffers<T>.self, capacity: count) { buffers in
            withUnsafeTemporaryAllocation(of: (m: UnsafeMutablePointer<T>?, v: UnsafeMutablePointer<T>?).self,
                                          capacity: 2 * count) { moments in
                for l in 0..<count {
                    (buffers.baseAddress! + l).initialize(to: layers[l].stepBuffers(rows: rows, propagate: l > 0))
                    for t in 0..<2 {
                        let i = 2 * l + t
                        (moments.baseAddress! + i).initialize(to: (i < optimizer.firstMoments.count ? optimizer.firstMoments[i].base : nil,
                                                                   i < optimizer.secondMoments.count ? optimizer.secondMoments[i].base : nil))
                    }
                }
                return withUnsafeTemporaryAllocation(of: T.self, capacity: parts) { partial in
                    x.storage.withUnsafeBufferPointer { px in
                        y.storage.withUnsafeBufferPointer { py in
                            let (x, y) = (px.baseAddress!, py.baseAddress!)
                            Parallel.run(parts) { part in            // rows: forward, loss, δ
                                let r = Parallel.range(part, of: parts, count: rows, block: 4)
                                partial[part] = r.isEmpty ? 0 : Network.rowsPass(r, x: x, y: y, buffers, gradient: gradientBase,
                                                                                  loss: loss, isDelta: isDelta, scale: scale)
                            }
                            Parallel.run(parts) { part in            // units: dW, db, update
                                for l in 0..<count {
                                    let d = buffers[l]
                                    let units = Parallel.range(part, of: parts, count: d.outputs, block: 4)
                                    Network.unitsPass(units, rows: rows, aPrev: l == 0 ? x : UnsafePointer(buffers[l - 1].a), d,
                                                      fusedEta: fused ? eta : nil, rule: rule, moments: (moments[2 * l], moments[2 * l + 1]))
                                }
                            }
                        }
                    }
                    var total: T = 0
                    for part in 0..<parts { total += partial[part] }
                    return total
                }
            }
        }
    }

    /// The rows region's work on rows `r`: forward up the layers, the loss (returned, times
    /// `scale`) and `dLoss/da^L`, then `δ` and `δ·W` down the layers.
    private static func rowsPass(_ r: Range<Int>, x: UnsafePointer<T>, y: UnsafePointer<T>,
                                 _ buffers: UnsafeMutableBufferPointer<DenseBuffers<T>>, gradient: UnsafeMutablePointer<T>,
                                 loss: Loss, isDelta: Bool, scale: T) -> T {
        let n = r.count, last = buffers.count - 1
        var input = UnsafePointer(x + r.lowerBound * buffers[0].inputs)
        for l in 0...last {                                           // z = a_prev·Wᵀ + b, a = σ(z)
            let d = buffers[l], o = d.outputs, z = d.z + r.lowerBound * o
            for i in 0..<n { (z + i * o).update(from: d.b, count: o) }
            Matrix<T>.product(transposeA: false, transposeB: true, m: n, n: o, k: d.inputs, alpha: 1,
                              a: input, lda: d.inputs, b: d.w, ldb: d.inputs, beta: 1, c: z, ldc: o)
            d.activation.forward(z: .init(start: z, count: n * o), a: .init(start: d.a + r.lowerBound * o, count: n * o), cols: o)
            input = UnsafePointer(d.a + r.lowerBound * o)
        }
        let top = buffers[last], o = top.outputs, span = r.lowerBound * o
        let value = loss.rows(a: .init(start: top.a + span, count: n * o), z: .init(start: top.z + span, count: n * o),
                              y: .init(start: y + span, count: n * o), gradient: .init(start: gradient + span, count: n * o),
                              cols: o, scale: scale)
        for l in stride(from: last, through: 0, by: -1) {             // δ = dLoss/da ⊙ σ'(z), dLoss/da_prev = δ·W
            let d = buffers[l], o = d.outputs, at = r.lowerBound * o
            let g = l == last ? gradient + at : buffers[l + 1].inputGradient! + at
            if l == last && isDelta {
                (d.delta + at).update(from: g, count: n * o)
            } else {
                d.activation.backward(z: .init(start: d.z + at, count: n * o), a: .init(start: d.a + at, count: n * o),
                                      outputGradient: .init(start: g, count: n * o),
                                      delta: .init(start: d.delta + at, count: n * o), cols: o)
            }
            if let below = d.inputGradient {
                Matrix<T>.product(transposeA: false, transposeB: false, m: n, n: d.inputs, k: o, alpha: 1,
                                  a: d.delta + at, lda: o, b: d.w, ldb: d.inputs, beta: 0,
                                  c: below + r.lowerBound * d.inputs, ldc: d.inputs)
            }
        }
        return value
    }

    /// The units region's work on neurons `units` of one layer: `dW` and `db` over the whole
    /// batch, and the update of those rows of `W` and entries of `b`.
    private static func unitsPass(_ units: Range<Int>, rows: Int, aPrev: UnsafePointer<T>, _ d: DenseBuffers<T>,
                                  fusedEta: T?, rule: Optimizer<T>.Rule,
                                  moments: ((m: UnsafeMutablePointer<T>?, v: UnsafeMutablePointer<T>?),
                                            (m: UnsafeMutablePointer<T>?, v: UnsafeMutablePointer<T>?))) {
        guard !units.isEmpty else { return }
        let (i, o, j0, n) = (d.inputs, d.outputs, units.lowerBound, units.count)
        let (alpha, beta, dW, db): (T, T, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) =
            fusedEta.map { (-$0, 1, d.w, d.b) } ?? (1, 0, d.weightGradient, d.biasGradient)
        Matrix<T>.product(transposeA: true, transposeB: false, m: n, n: i, k: rows, alpha: alpha,   // (n, B)·(B, I)
                          a: d.delta + j0, lda: o, b: aPrev, ldb: i, beta: beta, c: dW + j0 * i, ldc: i)
        for j in units {                                               // Σ_batch δ[:, j]
            var sum: T = 0
            for r in 0..<rows { sum += d.delta[r * o + j] }
            db[j] = beta == 0 ? alpha * sum : db[j] + alpha * sum
        }
        guard fusedEta == nil else { return }
        func state(_ p: UnsafeMutablePointer<T>?, _ at: Int, _ count: Int) -> UnsafeMutableBufferPointer<T> {
            p.map { .init(start: $0 + at, count: count) } ?? .init(start: nil, count: 0)
        }
        rule.apply(.init(start: d.w + j0 * i, count: n * i), .init(start: d.weightGradient + j0 * i, count: n * i),
                   state(moments.0.m, j0 * i, n * i), state(moments.0.v, j0 * i, n * i), weights: true)
        rule.apply(.init(start: d.b + j0, count: n), .init(start: d.biasGradient + j0, count: n),
                   state(moments.1.m, j0, n), state(moments.1.v, j0, n), weights: false)
    }
}
