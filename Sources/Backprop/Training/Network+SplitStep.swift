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
/// `backward` and `Optimizer.step`. The loss is the parts' sums added in part order. With
/// dropout, each hidden layer's mask `m` is drawn before the regions; a part sends `a ⊙ m` up
/// and multiplies its `δ` by `m`, and `dW` takes `a ⊙ m` as `a_prev`.
extension Network {
    /// Forward, loss, backward and update of `(x, y)` (B ≥ 1 rows), in ``Parallel/threads``
    /// parts; returns the loss before the update. With `dropout` > 0 every hidden layer's mask is
    /// drawn first, layer by layer from `generator` — the same numbers in the same order as
    /// ``forward(_:dropout:generator:)`` draws them (they do not depend on the activations).
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    mutating func splitStep(_ x: Matrix<T>, _ y: Matrix<T>, optimizer: inout Optimizer<T>,
                            dropout: Double = 0, generator: inout SeededGenerator) -> T {
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
            withUnsafeTemporaryAllocation(of: LayerMoments<T>.self, capacity: count) { moments in
                func state(_ i: Int) -> (m: UnsafeMutablePointer<T>?, v: UnsafeMutablePointer<T>?) {
                    (i < optimizer.firstMoments.count ? optimizer.firstMoments[i].base : nil,
                     i < optimizer.secondMoments.count ? optimizer.secondMoments[i].base : nil)
                }
                for l in 0..<count {
                    (buffers.baseAddress! + l).initialize(to: layers[l].stepBuffers(rows: rows, propagate: l > 0,
                                                                                   dropout: l < count - 1 ? dropout : 0, generator: &generator))
                    (moments.baseAddress! + l).initialize(to: LayerMoments(weights: state(2 * l), biases: state(2 * l + 1)))
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
                                    Network.unitsPass(part: part, of: parts, rows: rows, aPrev: l == 0 ? x : UnsafePointer(buffers[l - 1].dropped ?? buffers[l - 1].a),
                                                      buffers[l], fusedEta: fused ? eta : nil, rule: rule, moments: moments[l])
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
            let a = d.a + r.lowerBound * o
            d.activation.forward(z: .init(start: z, count: n * o), a: .init(start: a, count: n * o), cols: o)
            input = UnsafePointer(a)
            if let mask = d.mask, let dropped = d.dropped {                  // dropout: a ⊙ m goes up
                let (m, out) = (mask + r.lowerBound * o, dropped + r.lowerBound * o)
                for i in 0..<(n * o) { out[i] = a[i] * m[i] }
                input = UnsafePointer(out)
            }
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
            if let mask = d.mask {                                         // dropout: δ ⊙ m
                for i in at..<(at + n * o) { d.delta[i] *= mask[i] }
            }
            if let below = d.inputGradient {
                Matrix<T>.product(transposeA: false, transposeB: false, m: n, n: d.inputs, k: o, alpha: 1,
                                  a: d.delta + at, lda: o, b: d.w, ldb: d.inputs, beta: 0,
                                  c: below + r.lowerBound * d.inputs, ldc: d.inputs)
            }
        }
        return value
    }

    /// The units region's work on one layer, part `part` of `parts`: `dW` and `db` over the whole
    /// batch, and the update of `W` and `b`. `dW` (O, I) is cut along its longer side, as a split
    /// product is (a wide first layer by its inputs: each part then reads half of `a_prev`);
    /// `db` always by neurons.
    fileprivate static func unitsPass(part: Int, of parts: Int, rows: Int, aPrev: UnsafePointer<T>, _ d: DenseBuffers<T>,
                                      fusedEta: T?, rule: Optimizer<T>.Rule, moments: LayerMoments<T>) {
        let (i, o) = (d.inputs, d.outputs)
        let units = Parallel.range(part, of: parts, count: o, block: 4)
        let byInputs = i > o
        let (wRows, wCols) = byInputs ? (0..<o, Parallel.range(part, of: parts, count: i, block: 16)) : (units, 0..<i)
        let (alpha, beta, dW, db): (T, T, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) =
            fusedEta.map { (-$0, 1, d.w, d.b) } ?? (1, 0, d.weightGradient, d.biasGradient)
        if !wRows.isEmpty && !wCols.isEmpty {                          // dW[rows, cols]: (n, B)·(B, c)
            Matrix<T>.product(transposeA: true, transposeB: false, m: wRows.count, n: wCols.count, k: rows, alpha: alpha,
                              a: d.delta + wRows.lowerBound, lda: o, b: aPrev + wCols.lowerBound, ldb: i, beta: beta,
                              c: dW + wRows.lowerBound * i + wCols.lowerBound, ldc: i)
        }
        for j in units {                                               // Σ_batch δ[:, j]
            var sum: T = 0
            for r in 0..<rows { sum += d.delta[r * o + j] }
            db[j] = beta == 0 ? alpha * sum : db[j] + alpha * sum
        }
        guard fusedEta == nil else { return }
        func span(_ p: UnsafeMutablePointer<T>?, _ at: Int, _ count: Int) -> UnsafeMutableBufferPointer<T> {
            p.map { .init(start: $0 + at, count: count) } ?? .init(start: nil, count: 0)
        }
        func update(_ at: Int, _ count: Int) {                         // W's elements at..<at+count
            rule.apply(span(d.w, at, count), .init(span(d.weightGradient, at, count)),
                       span(moments.weights.m, at, count), span(moments.weights.v, at, count), weights: true)
        }
        if wCols.count == i {                                          // whole rows: one stretch
            if !wRows.isEmpty { update(wRows.lowerBound * i, wRows.count * i) }
        } else if !wCols.isEmpty {
            for j in wRows { update(j * i + wCols.lowerBound, wCols.count) }
        }
        if !units.isEmpty {
            rule.apply(span(d.b, units.lowerBound, units.count), .init(span(d.biasGradient, units.lowerBound, units.count)),
                       span(moments.biases.m, units.lowerBound, units.count), span(moments.biases.v, units.lowerBound, units.count),
                       weights: false)
        }
    }
}

/// A layer's optimizer state in a split step: the first and second moments of `W` and of `b`
/// (nil where the optimizer keeps none).
struct LayerMoments<T: Scalar> {
    var weights: (m: UnsafeMutablePointer<T>?, v: UnsafeMutablePointer<T>?)
    var biases: (m: UnsafeMutablePointer<T>?, v: UnsafeMutablePointer<T>?)
}
