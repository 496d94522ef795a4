import Foundation

/// The chain rule of one parameter in a recorded step, with its numbers: a weight `W^l[j][k]`
/// (into neuron `j` of layer `l`, from neuron `k` of layer `l − 1`) or a bias `b^l[j]`.
///
/// ```
/// dLoss/dW^l[j][k] = Σ_samples δ^l_j · a^(l−1)_k        (dz/dW = a_prev)
/// dLoss/db^l[j]    = Σ_samples δ^l_j                    (dz/db = 1)
/// δ^l_j = dLoss/da^l_j · σ'(z^l_j)                      (output: a − y when the loss is fused)
/// dLoss/da^l_j = Σ_i W^(l+1)[i][j] · δ^(l+1)_i           (hidden: Wᵀδ from the layer above)
/// W ← W − η · dLoss/dW                                  (sgd; ``ParameterUpdate`` for every optimizer)
/// ```
/// A softmax output has no per-neuron chain (each `a_i` depends on every `z_j`): its `δ = a − y`
/// (fused with cross-entropy) is shown directly, and `lossGradient` is nil.
/// Every number is copied from the ``StepTrace`` (which `backprop explain` prints), so the two
/// agree exactly.
///
/// ```swift
/// let trace = StepTrace.record(network: net, input: x, target: y, learningRate: 0.5)
/// if let w = trace.chain(layer: 2, neuron: 0, from: 1) {      // W²[0][1]
///     print(w.gradient == trace.layers[1].weightGradient[0, 1])  // true
/// }
/// ```
public struct ParameterChain: Sendable {
    /// One sample's share of the gradient.
    public struct Sample: Sendable {
        /// `dLoss/da^l_j` for this sample; nil for a softmax output, whose δ is not `dLoss/da_j · σ'(z_j)`.
        public var lossGradient: Double?
        /// `σ'(z^l_j)`; nil when `δ` is fused (`a − y`) or the activation is softmax.
        public var activationDerivative: Double?
        /// `z^l_j`, `a^l_j`.
        public var z: Double, a: Double
        /// The dropout mask of neuron `j` for this sample (0 dropped, `1/(1 − p)` kept); nil without dropout.
        public var mask: Double?
        /// `δ^l_j`.
        public var delta: Double
        /// `a^(l−1)_k` (`dz/dW`); 1 for a bias (`dz/db`).
        public var input: Double
        /// A hidden layer's `dLoss/da^l_j` term by term: `(W^(l+1)[i][j], δ^(l+1)_i)` for each
        /// neuron `i` above; empty for the output layer.
        public var upstream: [(weight: Double, delta: Double)]
        /// For the output layer: the target `y_j` of this sample.
        public var target: Double?
    }

    /// 1-based layer, the neuron `j` the parameter feeds, and `k` (nil for the bias).
    public var layer: Int, neuron: Int, from: Int?
    public var isOutputLayer: Bool
    public var activation: Activation
    /// How δ was computed, in words (``StepTrace/LayerTrace/deltaRule``).
    public var deltaRule: String
    /// The parameter before the step.
    public var value: Double
    public var samples: [Sample]
    /// `dLoss/dW` (or `dLoss/db`), summed over the batch — the trace's number.
    public var gradient: Double
    /// `η`.
    public var learningRate: Double
    /// The parameter after the optimizer's step (`value − η · gradient` for sgd).
    public var updated: Double
    public var reduction: Reduction
    /// The optimizer's rule for this parameter, with its numbers.
    public var update: ParameterUpdate

    /// The parameter's name in the tutorial's notation: `W²[0][1]` or `b²[0]`.
    public var name: String {
        from.map { "W\(NetworkDiagram.sup(layer))[\(neuron)][\($0)]" } ?? "b\(NetworkDiagram.sup(layer))[\(neuron)]"
    }
}

extension StepTrace {
    /// The chain rule of `W^layer[neuron][from]` (1-based `layer`), or of the bias `b^layer[neuron]`
    /// when `from` is nil. Returns nil when there is no such parameter.
    public func chain(layer: Int, neuron j: Int, from k: Int? = nil) -> ParameterChain? {
        guard (1...layers.count).contains(layer) else { return nil }
        let t = layers[layer - 1]
        guard (0..<t.weights.rows).contains(j), k.map({ (0..<t.weights.cols).contains($0) }) ?? true else { return nil }
        let isOutput = layer == layers.count
        let samples = (0..<input.rows).map { s -> ParameterChain.Sample in
            var upstream: [(weight: Double, delta: Double)] = []
            if !isOutput {
                let above = layers[layer]
                upstream = (0..<above.weights.rows).map { i in (above.weights[i, j], above.delta[s, i]) }
            }
            return ParameterChain.Sample(
                lossGradient: t.deltaIsFused && t.activation == .softmax ? nil : t.outputGradient[s, j],
                activationDerivative: t.deltaIsFused ? nil : t.activationDerivative?[s, j],
                z: t.z[s, j], a: t.a[s, j], mask: t.mask?[s, j], delta: t.delta[s, j],
                input: k.map { t.input[s, $0] } ?? 1,
                upstream: upstream, target: isOutput ? target[s, j] : nil)
        }
        return ParameterChain(
            layer: layer, neuron: j, from: k, isOutputLayer: isOutput, activation: t.activation, deltaRule: t.deltaRule,
            value: k.map { t.weights[j, $0] } ?? t.biases[j], samples: samples,
            gradient: k.map { t.weightGradient[j, $0] } ?? t.biasGradient[j], learningRate: learningRate,
            updated: k.map { t.updatedWeights[j, $0] } ?? t.updatedBiases[j], reduction: reduction,
            update: update(layer: layer, neuron: j, from: k))
    }
}

extension ParameterChain {
    /// All the numbers as JSON.
    public var json: JSON {
        .object([
            ("parameter", .string(name)),
            ("layer", .number(layer)), ("neuron", .number(neuron)), ("from", from.map { .number($0) } ?? .null),
            ("output_layer", .bool(isOutputLayer)),
            ("activation", .string(activation.rawValue)),
            ("delta_rule", .string(deltaRule)),
            ("reduction", .string(reduction.rawValue)),
            ("value", .number(value)),
            ("samples", .array(samples.map { s in
                .object([
                    ("z", .number(s.z)), ("a", .number(s.a)), ("mask", s.mask.map { .number($0) } ?? .null),
                    ("target", s.target.map { .number($0) } ?? .null),
                    ("dloss_da", s.lossGradient.map { .number($0) } ?? .null),
                    ("da_dz", s.activationDerivative.map { .number($0) } ?? .null),
                    ("upstream", .array(s.upstream.map { .array([.number($0.weight), .number($0.delta)]) })),
                    ("delta", .number(s.delta)),
                    ("dz_dparameter", .number(s.input)),
                    ("product", .number(s.delta * s.input)),
                ])
            })),
            ("gradient", .number(gradient)),
            ("learning_rate", .number(learningRate)),
            ("updated", .number(updated)),
            ("update", update.json),
            ("update_lines", .array(update.lines(name, Self.six).map { .string($0) })),   // the rule with its numbers, as --parameter prints it
        ])
    }

    /// A number as the chain's text shows it: 6 significant digits, no "-0".
    static func six(_ x: Double) -> String { String(format: "%.6g", x == 0 ? 0 : x) }

    /// The chain rule in words and numbers, as `backprop explain --parameter` prints it.
    public var text: String {
        let f = Self.six
        func t(_ x: Double) -> String { parenthesized(x, f) }
        let what = from == nil ? "dz/db = 1" : "dz/dW = a\(NetworkDiagram.sup(layer - 1))[\(from!)]"
        var lines = ["\(name) = \(f(value))", "dLoss/d\(name) = Σ over \(samples.count) sample\(samples.count == 1 ? "" : "s") of δ\(NetworkDiagram.sup(layer))[\(neuron)] · \(what)",
                     "  \(deltaRule)"]
        for (s, x) in samples.enumerated() {
            var line = "  sample \(s + 1): "
            if !x.upstream.isEmpty {
                line += "dLoss/da\(x.mask == nil ? "" : "'") = Σ W·δ = " + x.upstream.map { "\(t($0.weight))·\(t($0.delta))" }.joined(separator: " + ") + " = \(f(x.lossGradient ?? 0)); "
            } else if let y = x.target {
                line += "a = \(f(x.a)), y = \(f(y))" + (x.lossGradient.map { ", dLoss/da = \(f($0))" } ?? "") + "; "
            }
            if let d = x.activationDerivative { line += "σ'(z) = \(f(d)); " }
            if let m = x.mask { line += m == 0 ? "mask 0 (dropped); " : "mask \(f(m)); " }
            line += "δ = \(f(x.delta)); δ · \(from == nil ? "1" : t(x.input)) = \(f(x.delta * x.input))"
            lines.append(line)
        }
        lines.append("dLoss/d\(name) = \(f(gradient))")
        lines += update.lines(name, f)
        return lines.joined(separator: "\n")
    }
}
