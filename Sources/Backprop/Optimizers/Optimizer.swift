/// Updates a network's parameters from the gradients its last `backward` left in each layer.
///
/// | kind       | update of a parameter `p` with gradient `g` (one step)                          |
/// |------------|----------------------------------------------------------------------------------|
/// | `sgd`      | `p ← p − η g`  — the tutorial's gradient descent                                 |
/// | `momentum` | `v ← μ v + g`,  `p ← p − η v`                                                    |
/// | `nesterov` | `v ← μ v + g`,  `p ← p − η (g + μ v)`                                            |
/// | `adam`     | `m ← β₁ m + (1 − β₁) g`,  `v ← β₂ v + (1 − β₂) g²`,                              |
/// |            | `p ← p − η (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)`                             |
///
/// Weight decay `λ` acts on weights only (not biases). For `sgd`, `momentum` and `nesterov` it is
/// L2 regularisation: `g ← g + λ p` before the update. For `adam` it is decoupled, as in AdamW:
/// `p ← p − η λ p` before the Adam step. The formulas are those of PyTorch's `SGD` (with
/// `dampening = 0`) and `AdamW`. L1 regularisation `λ₁` (weights only, every optimizer) adds
/// `λ₁ sign(p)` to the gradient: `g ← g + λ₁ sign(p)`, with `sign(0) = 0`.
///
/// The state (`v`, or `m` and `v`) is one buffer per weight matrix and bias vector, made at the
/// first step and reused after, so a step allocates nothing.
///
/// ```swift
/// var sgd = Optimizer<Float>.gradientDescent(learningRate: 0.5)              // the tutorial's
/// var adam = Optimizer<Float>(.adam, learningRate: 1e-3, weightDecay: 1e-4)  // AdamW
/// adam.step(&network)
/// ```
public struct Optimizer<T: Scalar>: Sendable {
    /// The update rule.
    public enum Kind: String, CaseIterable, Sendable {
        case sgd, momentum, nesterov, adam
    }

    public var kind: Kind
    /// `η`; a schedule may change it between epochs.
    public var learningRate: T
    /// `μ`, for momentum and Nesterov.
    public var momentum: T
    /// `β₁`, `β₂`, `ε`, for Adam.
    public var beta1: T, beta2: T, epsilon: T
    /// `λ`: L2 (SGD family) or decoupled (Adam) weight decay on the weights.
    public var weightDecay: T
    /// `λ₁`: L1 regularisation on the weights.
    public var l1: T
    /// Number of steps taken (`t` in Adam's bias correction).
    public internal(set) var steps = 0
    /// Per tensor, in the order W¹, b¹, W², b², …: the velocity `v` (momentum, Nesterov) or
    /// Adam's `m`; empty for SGD.
    public internal(set) var firstMoments: [[T]] = []
    /// Adam's `v` per tensor; empty otherwise.
    public internal(set) var secondMoments: [[T]] = []

    public init(_ kind: Kind, learningRate: T, momentum: T = 0.9, beta1: T = 0.9, beta2: T = 0.999,
                epsilon: T = 1e-8, weightDecay: T = 0, l1: T = 0) {
        self.kind = kind
        self.learningRate = learningRate
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.l1 = l1
    }

    /// Whether this is plain gradient descent (`sgd` without weight decay or L1), which a
    /// training step fuses into backward.
    public var isPlainGradientDescent: Bool { kind == .sgd && weightDecay == 0 && l1 == 0 }

    /// The tutorial's plain gradient descent, `W ← W − η dW`, `b ← b − η db`.
    public static func gradientDescent(learningRate: T) -> Optimizer { Optimizer(.sgd, learningRate: learningRate) }

    /// Applies one update to every layer of `network`.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public mutating func step(_ network: inout Network<T>) {
        prepareState(for: network)
        steps += 1
        let rule = self.rule
        for l in network.layers.indices {
            for tensor in 0..<2 {
                let index = 2 * l + tensor
                network.layers[l].withParameter(tensor) { p, g in     // p: parameters, g: gradient
                    withMoments(index) { m, v in                        // the state: v, or m and v
                        Parallel.forEachRange(count: p.count, block: 64) { r in    // blocks of 64 at once
                            rule.apply(.init(rebasing: p[r]), .init(rebasing: g[r]), m.isEmpty ? m : .init(rebasing: m[r]),
                                       v.isEmpty ? v : .init(rebasing: v[r]), weights: tensor == 0)
                        }
                    }
                }
            }
        }
    }

    /// The update of this step (``steps`` already counts it), as a value that any thread may apply.
    var rule: Rule {
        Rule(kind: kind, eta: learningRate, mu: momentum, beta1: beta1, beta2: beta2, epsilon: epsilon,
             weightDecay: weightDecay, l1: l1,
             corrections: AdamCorrections(eta: learningRate, beta1: beta1, beta2: beta2, t: steps))
    }

    /// The table above for one step: applied to a whole tensor or to any part of one (element
    /// by element, so any split gives the same bits).
    struct Rule {
        var kind: Kind, eta: T, mu: T, beta1: T, beta2: T, epsilon: T, weightDecay: T, l1: T
        var corrections: AdamCorrections<T>

        /// Updates parameters `p` from gradient `g` and the state `m` (v or Adam's m) and `v`
        /// (Adam's v), all of one length (the state empty where the kind keeps none). Weight
        /// decay and L1 act on `weights` only.
        func apply(_ p: UnsafeMutableBufferPointer<T>, _ g: UnsafeBufferPointer<T>, _ m: UnsafeMutableBufferPointer<T>,
                   _ v: UnsafeMutableBufferPointer<T>, weights: Bool) {
            let (decay, l1) = weights ? (weightDecay, self.l1) : (0, 0)
            switch kind {
            case .sgd:
                Updates.sgd(p, g, eta: eta, decay: decay, l1: l1)
            case .momentum, .nesterov:
                Updates.momentum(p, g, m, eta: eta, mu: mu, decay: decay, l1: l1, nesterov: kind == .nesterov)
            case .adam:
                Updates.adam(p, g, m, v, eta: eta, beta1: beta1, beta2: beta2, epsilon: epsilon, decay: decay, l1: l1,
                             corrections: corrections)
            }
        }
    }

    /// Makes the state for `network` unless it has one of the right sizes (one buffer per tensor
    /// W¹, b¹, W², …, each as long as its tensor; a hand-made checkpoint may hold other sizes).
    mutating func prepareState(for network: Network<T>) {
        func fits(_ state: [[T]]) -> Bool {         // (a counted loop: an iterator allocates, unspecialised)
            guard state.count == 2 * network.layers.count else { return false }
            var l = 0
            while l < network.layers.count {
                let layer = network.layers[l]
                if state[2 * l].count != layer.weights.storage.count || state[2 * l + 1].count != layer.biases.count { return false }
                l += 1
            }
            return true
        }
        if kind != .sgd && (!fits(firstMoments) || (kind == .adam && !fits(secondMoments))) { makeState(for: network) }
    }

    /// Tensor `index`'s first and second moments (empty where the optimizer keeps none).
    private mutating func withMoments(
        _ index: Int, _ body: (UnsafeMutableBufferPointer<T>, UnsafeMutableBufferPointer<T>) -> Void
    ) {
        let none = UnsafeMutableBufferPointer<T>(start: nil, count: 0)
        guard index < firstMoments.count else { return body(none, none) }
        firstMoments[index].withUnsafeMutableBufferPointer { m in
            guard index < secondMoments.count else { return body(m, none) }
            secondMoments[index].withUnsafeMutableBufferPointer { v in body(m, v) }
        }
    }

    /// Copies this optimizer, state and all, into `saved`: element by element when `saved`
    /// already has buffers of the same sizes (no allocation), else into buffers of its own (never
    /// shared, so that the next `step` does not have to copy them).
    public func copyState(into saved: inout Optimizer) {
        func copy(_ from: [[T]], _ to: inout [[T]]) {
            guard to.count == from.count, zip(to, from).allSatisfy({ $0.count == $1.count }) else {
                to = from.map { $0.map { $0 } }
                return
            }
            for i in from.indices { to[i].withUnsafeMutableBufferPointer { d in _ = d.update(fromContentsOf: from[i]) } }
        }
        (saved.kind, saved.learningRate, saved.momentum, saved.weightDecay, saved.l1) = (kind, learningRate, momentum, weightDecay, l1)
        (saved.beta1, saved.beta2, saved.epsilon, saved.steps) = (beta1, beta2, epsilon, steps)
        copy(firstMoments, &saved.firstMoments)
        copy(secondMoments, &saved.secondMoments)
    }

    private mutating func makeState(for network: Network<T>) {
        let sizes = network.layers.flatMap { [$0.weights.storage.count, $0.biases.count] }
        firstMoments = sizes.map { [T](repeating: 0, count: $0) }
        secondMoments = kind == .adam ? sizes.map { [T](repeating: 0, count: $0) } : []
    }
}

extension Dense {
    /// Calls `body` with parameter tensor `tensor` (0: W, 1: b) and its gradient.
    mutating func withParameter(
        _ tensor: Int, _ body: (UnsafeMutableBufferPointer<T>, UnsafeBufferPointer<T>) -> Void
    ) {
        if tensor == 0 {
            weightGradient.storage.withUnsafeBufferPointer { g in weights.storage.withUnsafeMutableBufferPointer { body($0, g) } }
        } else {
            biasGradient.withUnsafeBufferPointer { g in biases.withUnsafeMutableBufferPointer { body($0, g) } }
        }
    }
}
