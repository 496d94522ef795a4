import CMath

/// A training step split over ``Parallel/threads`` in two or three regions — as many hand-offs a
/// step, however many layers — instead of one split per product:
///
/// | region | split by                  | each part computes                                              |
/// |--------|---------------------------|-----------------------------------------------------------------|
/// | inputs | the inputs `i` (columns   | its columns of the batch `x[:, c]` (gathered), and its share of |
/// |        | of `x`), when I ≥ 64·parts| the first layer's sums `x[:, c]·W¹[:, c]ᵀ` (part 0's onto `b`)  |
/// | rows   | the batch's rows          | `z = a_prev·Wᵀ + b` (the first layer's: part 0's `z`, plus the  |
/// |        |                           | other parts' sums in part order), `a = σ(z)` up the layers; the |
/// |        |                           | loss and `dLoss/da^L`; down the layers `δ = dLoss/da ⊙ σ'(z)`   |
/// |        |                           | and `dLoss/da_prev = δ·W` — every one of them row by row        |
/// | units  | each layer's neurons `j`  | `dW[j, :] = Σ_batch δ[:, j]·a_prev` and `db[j] = Σ_batch δ[:, j]`, |
/// |        |                           | then the update of `W[j, :]` and `b[j]` (fused into the product |
/// |        |                           | for plain gradient descent: `W[j, :] −= η dW[j, :]`, and then   |
/// |        |                           | cut by inputs `i` where I > O: `W[:, i] −= η dW[:, i]`)          |
///
/// Why an inputs region: cut by rows, every part packed the whole of `W¹` for its rows' forward
/// pass (784 × 128 floats each, for 32 rows); cut by inputs, each packs its columns of `W¹` and of
/// `x`, and the batch's columns it gathers are the ones that its units part reads again for
/// plain gradient descent's `dW¹` (cut by the same inputs). Its next batch's columns are
/// prefetched in eight slices between the eight column slices of that `dW¹` product, where they
/// overlap with the product, not all at once after the gather, where a burst of prefetches filled
/// the core's queue of misses and waited. 784-128-10 SGD, batch 64, 2 threads, alternating runs:
/// 0.171 → 0.162 s an epoch; 784-256-128-10 Adam, batch 128: 0.436 → 0.405 s. One thread has no
/// inputs region and runs as before.
///
/// Everything the rows region computes for a sample depends on that sample alone, the units
/// region sums over the whole batch in one product per part and layer (after an inputs region,
/// the first layer's in 8 slices of its columns, each with the whole batch), and the first layer's sums over
/// the inputs are cut in the same places for a given number of parts and added in part order, so
/// a run is deterministic for its thread count; the parts' results are those of one thread but
/// for the rounding of BLAS on smaller products and of the first layer's sums cut in parts. With
/// one part this is exactly `forward`, `computeLoss`,
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
        precondition(x.rows > 0 && x.cols == inputSize && y.rows == x.rows && y.cols == outputSize,
                     "a batch of (\(x.rows), \(x.cols)) → (\(y.rows), \(y.cols)) for \(shapeName(sizes))")
        return x.storage.withUnsafeBufferPointer { px in
            y.storage.withUnsafeBufferPointer { py in              // (read only: nothing to gather)
                let batch = StepBatch(rows: x.rows, x: UnsafeMutablePointer(mutating: px.baseAddress!),
                                      y: UnsafeMutablePointer(mutating: py.baseAddress!), source: nil)
                return splitStep(batch, optimizer: &optimizer, dropout: dropout, generator: &generator)
            }
        }
    }

    /// ``splitStep(_:_:optimizer:dropout:generator:)`` on rows `indices` of `(dataX, dataY)`,
    /// which the first region copies into `x` and `y` (resized to the batch): each thread copies
    /// what it is about to compute with (its inputs of every row in the inputs region, else its
    /// rows), so the copy costs no hand-off of its own and is in that core's cache. Each thread
    /// prefetches the same share of rows `next`: its rows, after its copy; or its inputs of every
    /// row, between the slices of its first-layer `dW` product, with an inputs region.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    mutating func splitStep(gathering indices: ArraySlice<Int>, of dataX: Matrix<T>, _ dataY: Matrix<T>,
                            into x: inout Matrix<T>, _ y: inout Matrix<T>, prefetching next: ArraySlice<Int>,
                            optimizer: inout Optimizer<T>, dropout: Double = 0, generator: inout SeededGenerator) -> T {
        precondition(!indices.isEmpty && dataX.cols == inputSize && dataY.cols == outputSize && dataX.rows == dataY.rows,
                     "data (\(dataX.rows), \(dataX.cols)) → (\(dataY.rows), \(dataY.cols)) for \(shapeName(sizes))")
        if x.rows != indices.count || x.cols != inputSize { x.resize(rows: indices.count, cols: inputSize) }
        if y.rows != indices.count || y.cols != outputSize { y.resize(rows: indices.count, cols: outputSize) }
        let (bx, by) = (x.storage.base, y.storage.base)
        return dataX.storage.withUnsafeBufferPointer { sx in
            dataY.storage.withUnsafeBufferPointer { sy in
                indices.withUnsafeBufferPointer { rows in
                    next.withUnsafeBufferPointer { next in
                        let batch = StepBatch(rows: rows.count, x: bx, y: by,
                                              source: StepSource(x: sx.baseAddress!, y: sy.baseAddress!, indices: rows.baseAddress!, next: next))
                        return splitStep(batch, optimizer: &optimizer, dropout: dropout, generator: &generator)
                    }
                }
            }
        }
    }

    /// The step itself: the layers' buffers, then the regions.
    private mutating func splitStep(_ batch: StepBatch<T>, optimizer: inout Optimizer<T>,
                                    dropout: Double, generator: inout SeededGenerator) -> T {
        let rows = batch.rows, count = layers.count
        let fused = optimizer.isPlainGradientDescent
        if !fused { optimizer.prepareState(for: self) }
        optimizer.steps += 1
        let (rule, eta) = (optimizer.rule, optimizer.learningRate)
        let scale: T = reduction == .mean ? 1 / T(rows) : 1
        if lossGradient.rows != rows || lossGradient.cols != outputSize { lossGradient.resize(rows: rows, cols: outputSize) }
        let gradient = lossGradient.storage.base
        var work = 0                                  // multiply-adds of the forward pass
        for l in 0..<count { work += rows * layers[l].inputSize * layers[l].outputSize }
        let parts = Parallel.parts(work: work)
        let inputsRegion = parts > 1 && inputSize >= 64 * parts
        if inputsRegion && (inputPartials.rows != (parts - 1) * rows || inputPartials.cols != layers[0].outputSize) {
            inputPartials.resize(rows: (parts - 1) * rows, cols: layers[0].outputSize)
        }
        let partials = inputsRegion ? inputPartials.storage.base : nil
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
                    if let partials {
                        Parallel.run(parts, InputsRegion(batch: batch, parts: parts, layer: buffers[0], outputs: outputSize,
                                                         partials: partials))
                    }
                    Parallel.run(parts, RowsRegion(batch: batch, parts: parts, buffers: buffers, gradient: gradient,
                                                   loss: loss, isDelta: lossGradientIsDelta, scale: scale, partial: partial,
                                                   partials: partials))
                    Parallel.run(parts, UnitsRegion(x: batch.x, rows: rows, parts: parts, buffers: buffers, moments: moments,
                                                    fusedEta: fused ? eta : nil, rule: rule, afterInputs: inputsRegion,
                                                    prefetching: inputsRegion ? batch.source : nil))
                    var total: T = 0
                    for part in 0..<parts { total += partial[part] }
                    return total
                }
            }
        }
    }
}

/// Where a split step finds its batch: `x` (B, I) and `y` (B, O). With a `source`, the first
/// region copies them there from the data set, and the next batch's rows are prefetched.
struct StepBatch<T: Scalar> {
    var rows: Int
    var x, y: UnsafeMutablePointer<T>
    var source: StepSource<T>?
}

/// A data set's rows (`x` (N, I), `y` (N, O)) to gather a batch from: rows `indices` (B of them),
/// and the next batch's rows `next` to prefetch.
struct StepSource<T: Scalar> {
    var x, y: UnsafePointer<T>
    var indices: UnsafePointer<Int>
    var next: UnsafeBufferPointer<Int>
}

/// The rows region: on rows `r` of part `part`, forward up the layers, the loss (times `scale`,
/// into `partial[part]`) and `dLoss/da^L`, then `δ` and `δ·W` down the layers. Without an
/// inputs region it first gathers its rows and prefetches its share of the next batch's.
private struct RowsRegion<T: Scalar>: ParallelTask {
    let batch: StepBatch<T>, parts: Int
    let buffers: UnsafeMutableBufferPointer<DenseBuffers<T>>
    let gradient: UnsafeMutablePointer<T>                          // dLoss/da^L (B, O)
    let loss: Loss, isDelta: Bool, scale: T
    let partial: UnsafeMutableBufferPointer<T>
    /// The first layer's sums of parts 1… (``InputsRegion``), ((parts − 1)·B, O¹); nil without
    /// an inputs region.
    let partials: UnsafeMutablePointer<T>?

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func run(part: Int) {
        let r = Parallel.range(part, of: parts, count: batch.rows, block: 4)
        guard !r.isEmpty else { partial[part] = 0; return }
        if partials == nil, let source = batch.source { gather(r, part: part, source) }
        partial[part] = pass(r)
    }

    /// Copies rows `r` of the batch from the data set, then prefetches part `part`'s share of
    /// the next batch's rows.
    private func gather(_ r: Range<Int>, part: Int, _ source: StepSource<T>) {
        let (i, o) = (buffers[0].inputs, buffers[buffers.count - 1].outputs)
        for row in r {
            (batch.x + row * i).update(from: source.x + source.indices[row] * i, count: i)
            (batch.y + row * o).update(from: source.y + source.indices[row] * o, count: o)
        }
        for n in Parallel.range(part, of: parts, count: source.next.count, block: 4) {   // the rows it gathers next
            prefetchLines(source.x + source.next[n] * i, 0..<i)
        }
    }

    private func pass(_ r: Range<Int>) -> T {
        let n = r.count, last = buffers.count - 1
        var input = UnsafePointer(batch.x + r.lowerBound * buffers[0].inputs)
        for l in 0...last {                                           // z = a_prev·Wᵀ + b, a = σ(z)
            let d = buffers[l], o = d.outputs, z = d.z + r.lowerBound * o
            if l == 0, let partials {                                  // z = b + part 0's sums, + the others' in order
                for p in 1..<parts {
                    let sums = partials + ((p - 1) * batch.rows + r.lowerBound) * o
                    for e in 0..<(n * o) { z[e] += sums[e] }
                }
            } else {
                for i in 0..<n { (z + i * o).update(from: d.b, count: o) }
                Matrix<T>.product(transposeA: false, transposeB: true, m: n, n: o, k: d.inputs, alpha: 1,
                                  a: input, lda: d.inputs, b: d.w, ldb: d.inputs, beta: 1, c: z, ldc: o)
            }
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
                              y: .init(start: batch.y + span, count: n * o), gradient: .init(start: gradient + span, count: n * o),
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
}

/// Asks for the cache lines of elements `columns` of the row at `row`, for a later copy.
@inline(__always)
private func prefetchLines<T: Scalar>(_ row: UnsafePointer<T>, _ columns: Range<Int>) {
    let bytes = UnsafeRawPointer(row)
    var offset = columns.lowerBound * MemoryLayout<T>.stride
    while offset < columns.upperBound * MemoryLayout<T>.stride { backprop_prefetch(bytes + offset); offset += 64 }
}

/// The inputs region: part `part` copies its inputs `c` (blocks of 16 floats: whole cache lines
/// where a row starts on a line; a Swift array is aligned to 16 bytes, not 64, so one line a row
/// may be written by both parts, each its own bytes) of every row of the batch, and `y`'s rows of its
/// rows-region part, from the data set;
/// then its share of the first layer's sums, `x[:, c]·W[:, c]ᵀ` (B, O): part 0 into `z`, set to
/// `b` first, part p > 0 into rows `(p − 1)·B …` of `partials`.
private struct InputsRegion<T: Scalar>: ParallelTask {
    let batch: StepBatch<T>, parts: Int
    let layer: DenseBuffers<T>, outputs: Int                        // the first layer; the network's outputs
    let partials: UnsafeMutablePointer<T>

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func run(part: Int) {
        let (d, rows) = (layer, batch.rows)
        let (i, o) = (d.inputs, d.outputs)
        let c = Parallel.range(part, of: parts, count: i, block: 16)
        if let source = batch.source {
            for row in 0..<rows where !c.isEmpty {
                (batch.x + row * i + c.lowerBound).update(from: source.x + source.indices[row] * i + c.lowerBound, count: c.count)
            }
            for row in Parallel.range(part, of: parts, count: rows, block: 4) {
                (batch.y + row * outputs).update(from: source.y + source.indices[row] * outputs, count: outputs)
            }
        }
        let sums = part == 0 ? d.z : partials + (part - 1) * rows * o
        if part == 0 { for row in 0..<rows { (d.z + row * o).update(from: d.b, count: o) } }
        guard !c.isEmpty else {                                          // no inputs here: nothing to add
            if part > 0 { sums.update(repeating: 0, count: rows * o) }
            return
        }
        Matrix<T>.product(transposeA: false, transposeB: true, m: rows, n: o, k: c.count, alpha: 1,
                          a: batch.x + c.lowerBound, lda: i, b: d.w + c.lowerBound, ldb: i, beta: part == 0 ? 1 : 0,
                          c: sums, ldc: o)
    }
}

/// The units region: part `part` of every layer's `dW` and `db` over the whole batch, and the
/// update of `W` and `b`. Even parts take the layers from the first up, odd parts from the last
/// down: a layer's product is bound by the core and its update (Adam's four streams) by memory,
/// and in step the two threads' updates met and shared the memory's bandwidth; out of step one
/// thread's update runs beside the other's product. (The layers do not depend on each other
/// here, so the order changes no number; a 2-thread Adam step, fastest of 8 alternating runs:
/// 0.87 → 0.86 ms, 0.97 → 0.93, and the fastest epoch 0.451 → 0.434 s.)
private struct UnitsRegion<T: Scalar>: ParallelTask {
    let x: UnsafeMutablePointer<T>, rows: Int, parts: Int                  // x: the batch's inputs (B, I)
    let buffers: UnsafeMutableBufferPointer<DenseBuffers<T>>
    let moments: UnsafeMutableBufferPointer<LayerMoments<T>>
    let fusedEta: T?, rule: Optimizer<T>.Rule
    /// After an inputs region the first layer's `dW` is computed in ``prefetchSlices`` slices of
    /// its columns, and before each the part prefetches a slice of the next batch's columns from
    /// `prefetching` (its `next` rows; nil without a batch to gather).
    let afterInputs: Bool, prefetching: StepSource<T>?

    /// The slices of the first layer's `dW` product that the prefetches are spread between.
    static var prefetchSlices: Int { 8 }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func run(part: Int) {
        let count = buffers.count
        for n in 0..<count {                                           // odd parts from the last layer down
            let l = part % 2 == 1 ? count - 1 - n : n
            layer(l, part: part, aPrev: l == 0 ? UnsafePointer(x) : UnsafePointer(buffers[l - 1].dropped ?? buffers[l - 1].a))
        }
    }

    /// Slice `slice` of `slices` of the next batch's rows: the columns that part `part` gathers
    /// in the inputs region.
    private func prefetch(_ source: StepSource<T>, part: Int, slice: Int, of slices: Int) {
        let i = buffers[0].inputs, count = source.next.count
        let c = Parallel.range(part, of: parts, count: i, block: 16)
        for n in (count * slice / slices)..<(count * (slice + 1) / slices) { prefetchLines(source.x + source.next[n] * i, c) }
    }

    /// Layer `l`'s part. With an optimizer that keeps state, `dW` (O, I) is cut by neurons, whole
    /// rows of `W` (and of its moments) to each part: every part then writes one contiguous
    /// stretch, and no cache line is written by both (cut by inputs, each row's two halves met
    /// mid-line, and Adam's update on 2 threads ran 8% slower; again 3% slower in this round's
    /// A/B, 876 against 846 µs a step). A layer of fewer than 16 neurons a part but more inputs
    /// (a classifier's last) is cut by its inputs instead, or the parts would be uneven.
    ///
    /// Plain gradient descent (the update fused into the product) cuts a layer with more inputs
    /// than neurons by its inputs when they are a multiple of 16 and at least 4 blocks of 16 a
    /// part, so that the parts are even and share at most one cache line a row of `W` (none
    /// where the rows start on a line; a Swift array is aligned to 16 bytes). BLAS
    /// then packs the part's columns of `a_prev` (B × I/parts) instead of all of them (B × I) —
    /// for 784-128-10, batch 64, each thread packed 50,176 floats of the batch for `dW¹`, now
    /// 25,600 — and there is no update stream to share lines. Steps of 784-128-10 on 2 threads,
    /// alternating binaries, 12 runs each: median 184 → 174 µs. `db` is always cut by neurons.
    private func layer(_ l: Int, part: Int, aPrev: UnsafePointer<T>) {
        let d = buffers[l], moments = self.moments[l]
        let (i, o) = (d.inputs, d.outputs)
        let units = Parallel.range(part, of: parts, count: o, block: 4)
        let byInputs = i > o && (o < 16 * parts || (fusedEta != nil && i % 16 == 0 && i >= 64 * parts))
        let (wRows, wCols) = byInputs ? (0..<o, Parallel.range(part, of: parts, count: i, block: 16)) : (units, 0..<i)
        let (alpha, beta, dW): (T, T, UnsafeMutablePointer<T>) = fusedEta.map { (-$0, 1, d.w) } ?? (1, 0, d.weightGradient)
        let source = l == 0 ? prefetching : nil
        let slices = l == 0 && afterInputs ? Self.prefetchSlices : 1
        let blocks = (wCols.count + 15) / 16
        for slice in 0..<slices {                                      // dW[rows, cols]: (n, B)·(B, c), c in slices
            if let source { prefetch(source, part: part, slice: slice, of: slices) }
            let from = wCols.lowerBound + min(wCols.count, blocks * slice / slices * 16)
            let to = wCols.lowerBound + min(wCols.count, blocks * (slice + 1) / slices * 16)
            if wRows.isEmpty || from == to { continue }
            Matrix<T>.product(transposeA: true, transposeB: false, m: wRows.count, n: to - from, k: rows, alpha: alpha,
                              a: d.delta + wRows.lowerBound, lda: o, b: aPrev + from, ldb: i, beta: beta,
                              c: dW + wRows.lowerBound * i + from, ldc: i)
        }
        Matrix<T>.sumRows(d.delta, rows: rows, cols: o, columns: units, into: d.biasGradient)   // db = Σ_batch δ
        if let eta = fusedEta {                                        // b −= η db
            for j in units { d.b[j] += -eta * d.biasGradient[j] }
            return
        }
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
