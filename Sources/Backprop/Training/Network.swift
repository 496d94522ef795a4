/// A fully connected network: dense layers, a loss, and the forward and backward passes over them.
///
/// ```
/// forward:  a^0 = x;  z^l = a^(l−1)·(W^l)ᵀ + b^l;  a^l = σ(z^l)
/// loss:     Loss = Σ ½ (a^L − y)²           (or binary or softmax cross-entropy; summed or averaged)
/// backward: δ^L = dLoss/da^L ⊙ σ'(z^L);  δ^l = (δ^(l+1)·W^(l+1)) ⊙ σ'(z^l)
///           dW^l = (δ^l)ᵀ·a^(l−1);  db^l = Σ_batch δ^l
/// ```
///
/// ```swift
/// var net = Network<Float>.tutorial(seed: 42)     // 2-2-1 sigmoid, ½ squared error
/// let (x, y) = ToySets.xor(Float.self)
/// net.forward(x)
/// let loss = net.computeLoss(target: y)    // fills net.lossGradient = a − y
/// net.backward(input: x)                   // fills each layer's delta, weightGradient, biasGradient
/// ```
public struct Network<T: Scalar>: Sendable {
    /// The layers, input side first.
    public var layers: [Dense<T>]
    /// The loss the network is trained on.
    public var loss: Loss
    /// How losses combine over a batch.
    public var reduction: Reduction
    /// `dLoss/da^L`, (B, O): written by `computeLoss`, read by `backward`.
    public internal(set) var lossGradient = Matrix<T>(rows: 0, cols: 0)
    /// A split step's partial first-layer sums, ((parts − 1)·B, O¹): see `Network+SplitStep.swift`.
    var inputPartials = Matrix<T>(rows: 0, cols: 0)

    /// A network over the given layers; each layer's input size must be the previous one's output size.
    ///
    /// `loss` nil: ``Loss/standard(for:classification:)`` of the last layer's activation —
    /// softmax-cross-entropy after softmax, the tutorial's ½ squared error otherwise — so a
    /// softmax classifier never trains on squared error by omission.
    ///
    /// Precondition (a programmer's error): the layers chain and the loss fits the output (a
    /// model file or a ``TrainingPlan`` checks both and throws first).
    public init(layers: [Dense<T>], loss: Loss? = nil, reduction: Reduction = .sum) {
        precondition(!layers.isEmpty, "a network needs at least one layer")
        for l in 1..<layers.count {
            precondition(layers[l].inputSize == layers[l - 1].outputSize,
                         "layer \(l + 1) takes \(layers[l].inputSize) inputs, layer \(l) gives \(layers[l - 1].outputSize)")
        }
        let last = layers[layers.count - 1]
        let loss = loss ?? Loss.standard(for: last.activation)
        if let problem = loss.problem(outputActivation: last.activation, outputs: last.outputSize) {
            preconditionFailure(problem)
        }
        self.layers = layers
        self.loss = loss
        self.reduction = reduction
    }

    /// A network of the given sizes (`[2, 2, 1]`: 2 inputs, 2 hidden neurons, 1 output), its
    /// parameters drawn from `seed`. Hidden layers use `activation`, the last one `output`
    /// (default: the same as the hidden ones). `initializer` nil picks
    /// `Initializer.standard(for:)` per layer (He for ReLUs, Xavier otherwise).
    public init(sizes: [Int], activation: Activation, output: Activation? = nil,
                loss: Loss? = nil, reduction: Reduction = .sum,
                initializer: Initializer? = nil, seed: UInt64) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 }, "sizes must be ≥ 2 positive numbers")
        self.init(activations: (1..<sizes.count).map { $0 == sizes.count - 1 ? (output ?? activation) : activation },
                  sizes: sizes, loss: loss, reduction: reduction, initializer: initializer, seed: seed)
    }

    /// A network with one activation per layer (`activations.count == sizes.count − 1`).
    public init(activations: [Activation], sizes: [Int], loss: Loss? = nil, reduction: Reduction = .sum,
                initializer: Initializer? = nil, seed: UInt64) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 }, "sizes must be ≥ 2 positive numbers")
        precondition(activations.count == sizes.count - 1, "one activation per layer")
        var rng = SeededGenerator(seed: seed)
        let layers = (1..<sizes.count).map { l in
            Dense<T>(inputs: sizes[l - 1], outputs: sizes[l], activation: activations[l - 1],
                     initializer: initializer ?? .standard(for: activations[l - 1]), generator: &rng)
        }
        self.init(layers: layers, loss: loss, reduction: reduction)
    }

    /// The tutorial's network: 2 inputs, `hidden` sigmoid neurons, 1 sigmoid output, ½ squared
    /// error summed over the batch, weights and biases uniform in [0, 1) (`Initializer.tutorial`).
    ///
    /// ```swift
    /// var net = Network<Float>.tutorial(seed: 42)    // what `backprop xor` trains
    /// ```
    public static func tutorial(hidden: Int = 2, seed: UInt64) -> Network {
        Network(sizes: [2, hidden, 1], activation: .sigmoid, loss: .squaredError, reduction: .sum,
                initializer: .tutorial, seed: seed)
    }

    /// The same network in another scalar type (exact from `Float` to `Double`).
    public init<U: Scalar>(converting other: Network<U>) {
        self.init(layers: other.layers.map { Dense<T>(converting: $0) },
                  loss: other.loss, reduction: other.reduction)
    }

    /// `[inputs, neurons of layer 1, …, outputs]`.
    public var sizes: [Int] { [layers[0].inputSize] + layers.map(\.outputSize) }
    /// Number of inputs.
    public var inputSize: Int { layers[0].inputSize }
    /// Number of outputs.
    public var outputSize: Int { layers[layers.count - 1].outputSize }
    /// `a^L`, (B, O): the output of the last `forward`.
    public var output: Matrix<T> { layers[layers.count - 1].a }
    /// Number of trainable numbers (weights and biases).
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.weights.storage.count + $1.biases.count } }

    /// Forward over a batch `x` (B, inputs): every layer's `z` and `a`; the result is `output`.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public mutating func forward(_ x: Matrix<T>) {
        layers[0].forward(x)
        for l in 1..<layers.count {
            let aPrev = layers[l - 1].a            // shares storage: no copy, no allocation
            layers[l].forward(aPrev)
        }
    }

    /// The loss of the last `forward` against `target` (B, outputs); also fills `lossGradient`.
    ///
    /// For squared error `lossGradient` is `dLoss/da^L = a − y`; for the fused cross-entropies
    /// it is already `δ^L = dLoss/dz^L = a − y` and the loss is computed from `z` (see ``Loss``).
    /// Both are divided by B when the reduction is `mean`.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public mutating func computeLoss(target: Matrix<T>) -> T {
        let last = layers[layers.count - 1]
        let a = last.a
        precondition(target.rows == a.rows && target.cols == a.cols,
                     "target is (\(target.rows), \(target.cols)), output is (\(a.rows), \(a.cols))")
        if lossGradient.rows != a.rows || lossGradient.cols != a.cols {
            lossGradient.resize(rows: a.rows, cols: a.cols)
        }
        let scale: T = reduction == .mean ? 1 / T(a.rows) : 1
        let loss = self.loss
        return a.storage.withUnsafeBufferPointer { pa in
            last.z.storage.withUnsafeBufferPointer { pz in
                target.storage.withUnsafeBufferPointer { py in
                    lossGradient.storage.withUnsafeMutableBufferPointer { pg in
                        loss.rows(a: pa, z: pz, y: py, gradient: pg, cols: a.cols, scale: scale)
                    }
                }
            }
        }
    }

    /// Whether `lossGradient` is already `δ^L` (the loss is fused with the output activation).
    public var lossGradientIsDelta: Bool { loss.fusedActivation != nil }

    /// Backward over the batch of the last `forward`/`computeLoss`: every layer's `δ`, `dW`, `db`.
    /// `x` must be the batch given to `forward` (the first layer's `a_prev`).
    ///
    /// With `fusedGradientDescent: η`, each layer applies the plain gradient-descent step as it
    /// goes (see `Dense.backward`), instead of keeping `dW` and `db` for an optimizer.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public mutating func backward(input x: Matrix<T>, fusedGradientDescent learningRate: T? = nil) {
        var l = layers.count - 1
        var outputGradient = lossGradient
        while l >= 0 {
            let aPrev = l == 0 ? x : layers[l - 1].output      // a, or a ⊙ mask after dropout
            layers[l].backward(input: aPrev, outputGradient: outputGradient, propagate: l > 0,
                               outputGradientIsDelta: l == layers.count - 1 && lossGradientIsDelta,
                               fusedGradientDescent: learningRate)
            if l > 0 { outputGradient = layers[l].inputGradient }
            l -= 1
        }
    }

    /// The outputs for `x` (B, inputs), without changing this network's caches.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func predict(_ x: Matrix<T>) -> Matrix<T> {
        var copy = self
        copy.forward(x)
        return copy.output
    }

    /// The loss on `(x, y)`, without changing this network's caches.
    public func lossValue(_ x: Matrix<T>, _ y: Matrix<T>) -> T {
        var copy = self
        copy.forward(x)
        return copy.computeLoss(target: y)
    }
}

/// A network's shape as text: `[784, 128, 10]` → `784-128-10`.
public func shapeName(_ sizes: [Int]) -> String { sizes.map(String.init).joined(separator: "-") }
