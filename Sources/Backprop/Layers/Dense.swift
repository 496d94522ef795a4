/// A fully connected layer: `z = a_prev·Wᵀ + b`, `a = σ(z)` over a batch.
///
/// Per sample (a column vector) this is the tutorial's `z^l = W^l a^(l−1) + b^l`, `a^l = σ(z^l)`;
/// with a batch stored as rows it becomes `Z = A_prev·Wᵀ + b` (b added to every row).
/// `W` is stored (out, in), so `weights[j, k]` is the weight into neuron `j` from input `k`.
///
/// Shapes: `B` batch size, `I` inputs, `O` outputs (neurons).
///
/// ```swift
/// var layer = Dense<Double>(weights: Matrix([[0.15, 0.20], [0.25, 0.30]]),
///                           biases: [0.35, 0.35], activation: .sigmoid)
/// layer.forward(Matrix([[0.05, 0.10]]))
/// layer.a          // [[0.593269992, 0.596884378]]
/// ```
public struct Dense<T: Scalar>: Sendable {
    /// `W`, (O, I): `weights[j, k]` connects input `k` to neuron `j`.
    public var weights: Matrix<T>
    /// `b`, (O).
    public var biases: [T]
    /// `σ`, applied to every `z`.
    public var activation: Activation

    // What forward keeps for backward.
    /// `z = a_prev·Wᵀ + b`, (B, O).
    public private(set) var z = Matrix<T>(rows: 0, cols: 0)
    /// `a = σ(z)`, (B, O): this layer's output, the next layer's `a_prev`.
    public private(set) var a = Matrix<T>(rows: 0, cols: 0)

    // What backward computes.
    /// `δ = dLoss/da ⊙ σ'(z)`, (B, O): one row per sample.
    public private(set) var delta = Matrix<T>(rows: 0, cols: 0)
    /// `dLoss/dW = δᵀ·a_prev`, (O, I): summed over the batch (each sample's `δ (a_prev)ᵀ`).
    public internal(set) var weightGradient: Matrix<T>
    /// `dLoss/db = Σ_batch δ`, (O).
    public internal(set) var biasGradient: [T]
    /// `dLoss/da_prev = δ·W`, (B, I): the tutorial's `(W^l)ᵀ δ^l`, which the layer below
    /// multiplies by its own `σ'(z)` to get its `δ`.
    public private(set) var inputGradient = Matrix<T>(rows: 0, cols: 0)

    // Dropout (see ``Dropout``), in a training step only.
    /// The mask of the last training forward with dropout, (B, O): 0 (dropped) or `1/(1 − p)`.
    public internal(set) var mask = Matrix<T>(rows: 0, cols: 0)
    /// `a ⊙ mask`, (B, O).
    public internal(set) var dropped = Matrix<T>(rows: 0, cols: 0)
    /// Whether the last forward was masked (then ``output`` is `dropped` and `δ` is masked too).
    public internal(set) var masked = false
    /// What the next layer saw: `a`, or `a ⊙ mask` after dropout.
    public var output: Matrix<T> { masked ? dropped : a }

    /// Number of inputs `I` (neurons of the layer below).
    public var inputSize: Int { weights.cols }
    /// Number of neurons `O`.
    public var outputSize: Int { weights.rows }

    /// A layer with the given parameters; `biases.count` must equal `weights.rows`.
    public init(weights: Matrix<T>, biases: [T], activation: Activation) {
        precondition(biases.count == weights.rows, "\(biases.count) biases for \(weights.rows) neurons")
        self.weights = weights
        self.biases = biases
        self.activation = activation
        self.weightGradient = Matrix(rows: weights.rows, cols: weights.cols)
        self.biasGradient = [T](repeating: 0, count: biases.count)
    }

    /// Forward: `z = a_prev·Wᵀ + b`, `a = σ(z)`. `input` is `a_prev`, (B, I).
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public mutating func forward(_ input: Matrix<T>) {
        precondition(input.cols == inputSize, "input has \(input.cols) columns, layer takes \(inputSize)")
        masked = false
        let outputs = outputSize
        if z.rows != input.rows || z.cols != outputs { z.resize(rows: input.rows, cols: outputs) }
        z.storage.withUnsafeMutableBufferPointer { pz in
            biases.withUnsafeBufferPointer { pb in
                for r in 0..<input.rows {                                      // z = b on every row,
                    (pz.baseAddress! + r * outputs).update(from: pb.baseAddress!, count: outputs)
                }
            }
        }
        Matrix.multiply(input, weights, transposeB: true, into: &z, beta: 1)   // then z += a_prev·Wᵀ: (B, I)·(I, O)
        if a.rows != z.rows || a.cols != z.cols { a.resize(rows: z.rows, cols: z.cols) }
        z.storage.withUnsafeBufferPointer { pz in
            a.storage.withUnsafeMutableBufferPointer { pa in
                Parallel.forEachRows(rows: z.rows, cols: outputs) { span in          // a = σ(z), rows in parts
                    activation.forward(z: .init(rebasing: pz[span]), a: .init(rebasing: pa[span]), cols: outputs)
                }
            }
        }
    }

    /// Backward: from `dLoss/da` (B, O) to `δ`, `dW`, `db` and, if `propagate`, `dLoss/da_prev`.
    ///
    /// - `δ = dLoss/da ⊙ σ'(z)` — for the output layer `dLoss/da = a − y` (½ squared error), so
    ///   `δ^L = (a^L − y) ⊙ σ'(z^L)`; for a hidden layer `dLoss/da` is the layer above's
    ///   `inputGradient`, so `δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l)`.
    /// - `dW = δᵀ·a_prev`: the chain rule's last factor `dz/dW = a_prev`, applied here and not
    ///   folded into `δ`, because `db = Σ δ` needs `δ` alone (`dz/db = 1`).
    /// - `dLoss/da_prev = δ·W`.
    ///
    /// `input` must be the `a_prev` given to the last `forward`. With `outputGradientIsDelta`
    /// the gradient is already `δ` (a loss fused with this output activation, see ``Loss``).
    ///
    /// With `fusedGradientDescent: η` the plain gradient-descent step is fused into the products:
    /// `W ← W − η δᵀ·a_prev` is one BLAS call (α = −η, β = 1 onto `W`) and `b ← b − η Σ δ`,
    /// after `dLoss/da_prev = δ·W` has used the old `W`. Then `weightGradient` is not written
    /// (it keeps older values). Same numbers, one pass less.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public mutating func backward(input: Matrix<T>, outputGradient: Matrix<T>, propagate: Bool = true,
                                  outputGradientIsDelta: Bool = false, fusedGradientDescent learningRate: T? = nil) {
        precondition(outputGradient.rows == a.rows && outputGradient.cols == a.cols,
                     "dLoss/da is (\(outputGradient.rows), \(outputGradient.cols)), a is (\(a.rows), \(a.cols))")
        if delta.rows != a.rows || delta.cols != a.cols { delta.resize(rows: a.rows, cols: a.cols) }
        let outputs = outputSize
        z.storage.withUnsafeBufferPointer { pz in
            a.storage.withUnsafeBufferPointer { pa in
                outputGradient.storage.withUnsafeBufferPointer { pg in
                    delta.storage.withUnsafeMutableBufferPointer { pd in
                        mask.storage.withUnsafeBufferPointer { pm in
                            Parallel.forEachRows(rows: a.rows, cols: outputs) { span in    // rows in parts
                                if outputGradientIsDelta {                                     // fused: δ given
                                    for i in span { pd[i] = pg[i] }
                                } else {                                                       // δ
                                    activation.backward(z: .init(rebasing: pz[span]), a: .init(rebasing: pa[span]),
                                                        outputGradient: .init(rebasing: pg[span]),
                                                        delta: .init(rebasing: pd[span]), cols: outputs)
                                }
                                if masked { for i in span { pd[i] *= pm[i] } }                 // dropout: δ ⊙ m
                            }
                        }
                    }
                }
            }
        }
        if propagate {
            Matrix.multiply(delta, weights, into: &inputGradient)                // (B, O)·(O, I) → (B, I)
        }
        delta.sumRows(into: &biasGradient)                                           // db = Σ over the batch
        guard let eta = learningRate else {
            Matrix.multiply(delta, transposeA: true, input, into: &weightGradient)   // dW: (O, B)·(B, I) → (O, I)
            return
        }
        Matrix.multiply(delta, transposeA: true, input, into: &weights, alpha: -eta, beta: 1)   // W −= η δᵀ·a_prev
        for j in biases.indices { biases[j] += -eta * biasGradient[j] }                         // b −= η db
    }
}

extension Dense {
    /// The same layer in another scalar type (exact from `Float` to `Double`); caches start empty.
    public init<U: Scalar>(converting other: Dense<U>) {
        self.init(weights: Matrix(converting: other.weights), biases: other.biases.map { T($0) },
                  activation: other.activation)
    }

    /// A layer of `outputs` neurons over `inputs` inputs, its parameters drawn by `initializer`.
    public init(inputs: Int, outputs: Int, activation: Activation,
                initializer: Initializer = .tutorial, generator: inout SeededGenerator) {
        let (w, b) = initializer.draw(inputs: inputs, outputs: outputs, generator: &generator)
        self.init(weights: Matrix(rows: outputs, cols: inputs, storage: w.map { T($0) }),
                  biases: b.map { T($0) }, activation: activation)
    }
}

/// One layer's buffers in a split training step (`Network+SplitStep.swift`): addresses, for the
/// parallel parts to read and write disjoint rows (or units) of. Valid until a buffer is resized
/// or replaced, which nothing does during the step.
struct DenseBuffers<T: Scalar> {
    /// `W` (O, I), `b` (O).
    var w, b: UnsafeMutablePointer<T>
    /// `z`, `a`, `δ`: (B, O).
    var z, a, delta: UnsafeMutablePointer<T>
    /// `dLoss/da_prev = δ·W` (B, I); nil for the first layer (nothing below needs it).
    var inputGradient: UnsafeMutablePointer<T>?
    /// `dW` (O, I) and `db` (O), when an optimizer (not fused gradient descent) updates.
    var weightGradient, biasGradient: UnsafeMutablePointer<T>
    /// Dropout's mask (drawn before the step) and `a ⊙ mask`, (B, O); nil without dropout.
    var mask, dropped: UnsafeMutablePointer<T>?
    var inputs, outputs: Int
    var activation: Activation
}

extension Dense {
    /// Sizes this layer's caches for a training step over `rows` rows (≥ 1) and returns their
    /// addresses. `propagate` sizes `inputGradient` too; `dropout` > 0 draws this layer's mask
    /// from `generator` (``drawMask(rows:rate:generator:)``, as a dropout forward does) and masks
    /// the output.
    mutating func stepBuffers(rows: Int, propagate: Bool, dropout: Double, generator: inout SeededGenerator) -> DenseBuffers<T> {
        let outputs = outputSize
        masked = false
        if dropout > 0 { drawMask(rows: rows, rate: dropout, generator: &generator) }
        if z.rows != rows || z.cols != outputs { z.resize(rows: rows, cols: outputs) }
        if a.rows != rows || a.cols != outputs { a.resize(rows: rows, cols: outputs) }
        if delta.rows != rows || delta.cols != outputs { delta.resize(rows: rows, cols: outputs) }
        if propagate && (inputGradient.rows != rows || inputGradient.cols != inputSize) {
            inputGradient.resize(rows: rows, cols: inputSize)
        }
        return DenseBuffers(
            w: weights.storage.base, b: biases.base, z: z.storage.base, a: a.storage.base, delta: delta.storage.base,
            inputGradient: propagate ? inputGradient.storage.base : nil,
            weightGradient: weightGradient.storage.base, biasGradient: biasGradient.base,
            mask: masked ? mask.storage.base : nil, dropped: masked ? dropped.storage.base : nil,
            inputs: inputSize, outputs: outputs, activation: activation)
    }
}

extension Array {
    /// The address of the (unique, non-empty) elements, for a parallel step that neither
    /// resizes nor replaces this array while it uses the address.
    var base: UnsafeMutablePointer<Element> {
        mutating get { withUnsafeMutableBufferPointer { $0.baseAddress! } }
    }
}
