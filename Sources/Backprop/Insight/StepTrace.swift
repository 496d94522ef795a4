/// One training step recorded number by number, in the tutorial's terms, computed in Double.
///
/// `record` runs the network's own `forward`, `computeLoss`, `backward` and the optimizer's own
/// update (plain gradient descent unless another optimizer, with its state, is given) once and
/// copies out what they left in each layer and in the optimizer: it is a recording of the
/// training step, not a second implementation of it.
///
/// For layer `l` (1-based, as in the tutorial's `W^1`, `W^2`):
/// ```
/// z^l = W^l a^(l−1) + b^l        a^l = σ(z^l)
/// dLoss/da^L = a^L − y           (½ squared error; the output layer)
/// dLoss/da^l = (W^(l+1))ᵀ δ^(l+1) (a hidden layer)
/// δ^l = dLoss/da^l ⊙ σ'(z^l)
/// dLoss/dW^l = δ^l (a^(l−1))ᵀ    dLoss/db^l = δ^l
/// W^l ← W^l − η dLoss/dW^l       b^l ← b^l − η dLoss/db^l   (sgd; see ``Optimizer`` for the others)
/// ```
///
/// ```swift
/// let trace = StepTrace.record(network: net, input: x, target: y, learningRate: 0.5)
/// trace.layers[1].delta      // δ² for each sample
/// trace.lossAfter            // the loss with the updated weights
/// ```
public struct StepTrace: Sendable {
    /// Everything one layer computed in the step. Rows of the (B, ·) matrices are samples.
    public struct LayerTrace: Sendable {
        public var activation: Activation
        /// `W^l` before the step, (O, I).
        public var weights: Matrix<Double>
        /// `b^l` before the step, (O).
        public var biases: [Double]
        /// `a^(l−1)`, (B, I): the layer's input (after the layer below's dropout), which is also `dz/dW`.
        public var input: Matrix<Double>
        /// The dropout mask of this layer's outputs, (B, O): 0 or `1/(1 − p)`; nil without dropout.
        public var mask: Matrix<Double>?
        /// `z^l`, (B, O).
        public var z: Matrix<Double>
        /// `a^l = σ(z^l)`, (B, O).
        public var a: Matrix<Double>
        /// `dLoss/da^l`, (B, O). For the output layer of a fused loss (see ``Loss``) this is shown
        /// for the record (`Loss.gradient`); `δ` itself comes from the fused `a − y`.
        public var outputGradient: Matrix<Double>
        /// `da/dz = σ'(z^l)`, (B, O); nil for softmax, whose derivative is a Jacobian per sample.
        public var activationDerivative: Matrix<Double>?
        /// Whether `δ` came from the fused `a − y` of a cross-entropy loss.
        public var deltaIsFused: Bool
        /// `δ^l = dLoss/da ⊙ σ'(z)`, (B, O).
        public var delta: Matrix<Double>
        /// `dLoss/dW^l = Σ_samples δ (a^(l−1))ᵀ`, (O, I).
        public var weightGradient: Matrix<Double>
        /// `dLoss/db^l = Σ_samples δ`, (O).
        public var biasGradient: [Double]
        /// `W^l` after the optimizer's update (`W^l − η dW` for sgd), (O, I).
        public var updatedWeights: Matrix<Double>
        /// `b^l` after the optimizer's update (`b^l − η db` for sgd), (O).
        public var updatedBiases: [Double]
    }

    /// `x`, (B, inputs).
    public var input: Matrix<Double>
    /// `y`, (B, outputs).
    public var target: Matrix<Double>
    public var loss: Loss
    public var reduction: Reduction
    /// `η`.
    public var learningRate: Double
    /// The loss before the step.
    public var lossBefore: Double
    /// The loss on the same batch with the updated parameters.
    public var lossAfter: Double
    /// One entry per layer, input side first.
    public var layers: [LayerTrace]
    /// The network after the step.
    public var updated: Network<Double>
    /// The optimizer (its settings and state) before and after the step.
    public var optimizerBefore: Optimizer<Double>, optimizerAfter: Optimizer<Double>

    /// Runs one gradient-descent step of `network` on `(input, target)` and records it.
    public static func record(network: Network<Double>, input: Matrix<Double>, target: Matrix<Double>,
                              learningRate: Double) -> StepTrace {
        record(network: network, input: input, target: target, optimizer: .gradientDescent(learningRate: learningRate))
    }

    /// Runs one step of `network` on `(input, target)` with `optimizer` (its kind, `η`, `λ`,
    /// `λ₁` and state: moments and step count, as a checkpoint holds them) and records it. With
    /// `dropout`, the hidden layers are masked as training masks that step (``Dropout``).
    public static func record(network: Network<Double>, input: Matrix<Double>, target: Matrix<Double>,
                              optimizer: Optimizer<Double>, dropout: (rate: Double, seed: UInt64)? = nil) -> StepTrace {
        var net = network
        if let dropout, dropout.rate > 0 {
            var generator = Dropout.generator(seed: dropout.seed, step: optimizer.steps)
            net.forward(input, dropout: dropout.rate, generator: &generator)
        } else {
            net.forward(input)
        }
        let lossBefore = net.computeLoss(target: target)
        net.backward(input: input)
        let before = net
        var stepped = optimizer
        stepped.step(&net)
        var layers: [LayerTrace] = []
        for (l, layer) in before.layers.enumerated() {
            let isOutput = l == before.layers.count - 1
            let fused = isOutput && before.lossGradientIsDelta
            var outputGradient = isOutput ? before.lossGradient : before.layers[l + 1].inputGradient
            if fused {   // dLoss/da for the record: the loss's own gradient, scaled like lossGradient
                let scale = network.reduction == .mean ? 1 / Double(input.rows) : 1
                for i in outputGradient.storage.indices {
                    outputGradient.storage[i] = scale * network.loss.gradient(a: layer.a.storage[i], y: target.storage[i])
                }
            }
            var derivative: Matrix<Double>? = nil
            if layer.activation.isElementwise {
                var d = layer.z
                for i in d.storage.indices {
                    d.storage[i] = layer.activation.derivative(z: layer.z.storage[i], a: layer.a.storage[i])
                }
                derivative = d
            }
            layers.append(LayerTrace(
                activation: layer.activation, weights: layer.weights, biases: layer.biases,
                input: l == 0 ? input : before.layers[l - 1].output, mask: layer.masked ? layer.mask : nil, z: layer.z, a: layer.a,
                outputGradient: outputGradient, activationDerivative: derivative, deltaIsFused: fused,
                delta: layer.delta, weightGradient: layer.weightGradient, biasGradient: layer.biasGradient,
                updatedWeights: net.layers[l].weights, updatedBiases: net.layers[l].biases))
        }
        let lossAfter = net.lossValue(input, target)
        return StepTrace(input: input, target: target, loss: network.loss, reduction: network.reduction,
                         learningRate: optimizer.learningRate, lossBefore: lossBefore, lossAfter: lossAfter,
                         layers: layers, updated: net, optimizerBefore: optimizer, optimizerAfter: stepped)
    }

    /// Why `δ` stops at `dLoss/dz` and leaves out `a^(l−1)`, in words.
    public static let whyDeltaExcludesInput = """
        δ = dLoss/dz stops before the last factor of the chain rule. For a weight that factor is \
        dz/dW = a_prev, so dLoss/dW = δ·a_prev; for a bias it is dz/db = 1, so dLoss/db = δ. \
        Keeping δ without a_prev lets both use it, and it is also what the layer below needs: \
        its δ is (Wᵀδ) ⊙ σ'(z).
        """
}

extension StepTrace.LayerTrace {
    /// How `δ` was computed, in words.
    public var deltaRule: String {
        if deltaIsFused && activation == .softmax {
            return "δ = a − y, directly: with softmax every a_i depends on every z_j, so δ_j = Σ_i dLoss/da_i · da_i/dz_j (not one dLoss/da_j · σ'(z_j)); with cross-entropy that sum is a_j − y_j"
        }
        if deltaIsFused { return "δ = a − y: the cross-entropy loss fused with its \(activation.rawValue) output (dLoss/da ⊙ da/dz simplifies to a − y)" }
        if activation == .softmax { return "δ = a ⊙ (dLoss/da − Σ_j dLoss/da_j a_j): the softmax Jacobian times dLoss/da" }
        return mask == nil ? "δ = dLoss/da ⊙ σ'(z)" : "δ = dLoss/da' ⊙ m ⊙ σ'(z), m the dropout mask (0: dropped, 1/(1−p): kept)"
    }
}

extension StepTrace {
    /// All the numbers as JSON (matrices as arrays of rows, weights in the model file's (out, in)
    /// layout, numbers in the shortest form that reads back to the same Double).
    public var json: JSON {
        func m(_ x: Matrix<Double>) -> JSON { .array(x.nested.map { row in .array(row.map { JSON.number($0) }) }) }
        func v(_ x: [Double]) -> JSON { .array(x.map { JSON.number($0) }) }
        return .object([
            ("loss_function", .string(loss.rawValue)),
            ("reduction", .string(reduction.rawValue)),
            ("learning_rate", .number(learningRate)),
            ("optimizer", optimizerAfter.settingsJSON),
            ("input", m(input)),
            ("target", m(target)),
            ("loss", .number(lossBefore)),
            ("loss_after", .number(lossAfter)),
            ("layers", .array(layers.enumerated().map { l, t in
                .object([
                    ("layer", .number(l + 1)),
                    ("activation", .string(t.activation.rawValue)),
                    ("weights", m(t.weights)),
                    ("biases", v(t.biases)),
                    ("a_prev", m(t.input)),
                    ("z", m(t.z)),
                    ("a", m(t.a)),
                    ("dloss_da", m(t.outputGradient)),
                    ("da_dz", t.activationDerivative.map(m) ?? .null),
                    ("dropout_mask", t.mask.map(m) ?? .null),
                    ("delta_rule", .string(t.deltaRule)),
                    ("delta", m(t.delta)),
                    ("dz_dw", m(t.input)),
                    ("dW", m(t.weightGradient)),
                    ("db", v(t.biasGradient)),
                    ("updated_weights", m(t.updatedWeights)),
                    ("updated_biases", v(t.updatedBiases)),
                ])
            })),
            ("why_delta_excludes_a_prev", .string(StepTrace.whyDeltaExcludesInput)),
        ])
    }
}

extension StepTrace {
    /// The first number of the step that is NaN or infinite, named in the order the step computes
    /// them — forward (`layer 1 z`, `layer 1 a`, …), `the loss before the step`, backward from the
    /// last layer (`layer 2 dLoss/da`, `δ`, `dW`, `db`), the updates (`layer 1 updated weights`, …),
    /// `the loss after the step` — or nil when all are finite. Inputs, targets or settings near
    /// Double's limit (1e308) overflow; a recording of such a step explains nothing.
    public func firstNonFinite() -> String? {
        func bad(_ m: Matrix<Double>) -> Bool { !m.storage.allSatisfy(\.isFinite) }
        func bad(_ v: [Double]) -> Bool { !v.allSatisfy(\.isFinite) }
        func first(_ order: [(Int, LayerTrace)], _ named: (LayerTrace) -> [(String, Bool)]) -> String? {
            for (l, t) in order { if let (name, _) = named(t).first(where: \.1) { return "layer \(l + 1) \(name)" } }
            return nil
        }
        let forward = Array(layers.enumerated())
        if let place = first(forward, { [("z", bad($0.z)), ("a", bad($0.a))] }) { return place }
        if !lossBefore.isFinite { return "the loss before the step" }
        if let place = first(forward.reversed(), { [("dLoss/da", bad($0.outputGradient)), ("δ", bad($0.delta)),
                                                    ("dW", bad($0.weightGradient)), ("db", bad($0.biasGradient))] }) { return place }
        if let place = first(forward, { [("updated weights", bad($0.updatedWeights)), ("updated biases", bad($0.updatedBiases))] }) {
            return place
        }
        return lossAfter.isFinite ? nil : "the loss after the step"
    }
}
