/// How healthy each layer looks after training, on a probe batch: the signs that training is
/// stuck that a learner would otherwise look for by hand.
///
/// Per layer, on the probe batch:
/// - `gradientNorm = ‖dW‖` (Frobenius norm of the weight gradient of one backward pass);
/// - `deadFraction`: ReLU units (`relu`) whose `a` is 0 for every sample — they pass no gradient;
/// - `saturatedFraction`: sigmoid outputs below 0.01 or above 0.99, tanh outputs beyond ±0.99
///   (share of unit × sample values) — there `σ'(z)` is nearly 0;
/// - `updateRatio = η ‖dW‖ / ‖W‖`: how much one gradient-descent step would move the weights
///   (about 1e-3 is the usual rule of thumb).
///
/// ```swift
/// let health = TrainingHealth(network: net, input: x, target: y, learningRate: 0.1)
/// health.warnings     // ["layer 1: 62% of its ReLUs are dead (never active on 1000 samples)"]
/// ```
public struct TrainingHealth: Sendable {
    public struct Layer: Sendable {
        public var layer: Int
        public var activation: Activation
        public var gradientNorm: Double
        public var deadFraction: Double?
        public var saturatedFraction: Double?
        public var updateRatio: Double
    }

    public var layers: [Layer]
    public var samples: Int
    /// One line per value out of the usual range.
    public var warnings: [String]

    /// Thresholds of the warnings.
    public static let deadLimit = 0.5, saturatedLimit = 0.5, ratioRange = 1e-7...1e-1

    public init<T: Scalar>(network: Network<T>, input: Matrix<T>, target: Matrix<T>, learningRate: Double) {
        var net = network
        net.forward(input)
        _ = net.computeLoss(target: target)
        net.backward(input: input)
        var layers: [Layer] = []
        var warnings: [String] = []
        for (l, dense) in net.layers.enumerated() {
            func norm(_ v: [T]) -> Double { v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
            let g = norm(dense.weightGradient.storage), w = norm(dense.weights.storage)
            var entry = Layer(layer: l + 1, activation: dense.activation, gradientNorm: g,
                              deadFraction: nil, saturatedFraction: nil, updateRatio: w > 0 ? learningRate * g / w : 0)
            let a = dense.a, units = dense.outputSize
            if dense.activation == .relu {
                let dead = (0..<units).filter { j in (0..<a.rows).allSatisfy { a[$0, j] == 0 } }.count
                entry.deadFraction = Double(dead) / Double(units)
            }
            if dense.activation == .sigmoid || dense.activation == .tanh {
                let saturated = a.storage.filter { dense.activation.isSaturated(Double($0)) }.count
                entry.saturatedFraction = Double(saturated) / Double(max(a.storage.count, 1))
            }
            let name = "layer \(l + 1)"
            if let d = entry.deadFraction, d > Self.deadLimit {
                warnings.append("\(name): \(Int((d * 100).rounded()))% of its ReLUs are dead (never active on \(a.rows) samples): they pass no gradient; try a lower learning rate, leaky-relu or He initialisation")
            }
            if let s = entry.saturatedFraction, s > Self.saturatedLimit, l < net.layers.count - 1 {
                warnings.append("\(name): \(Int((s * 100).rounded()))% of its \(dense.activation.rawValue) outputs are saturated (σ' ≈ 0): try standardised inputs or smaller weights")
            }
            if !g.isFinite || !entry.updateRatio.isFinite {
                warnings.append("\(name): the gradient is not finite")
            } else if g == 0 {
                warnings.append("\(name): no gradient reaches its weights (dW = 0 on every sample)")
            } else if !Self.ratioRange.contains(entry.updateRatio) {
                warnings.append("\(name): one step changes the weights by \(entry.updateRatio) of their size (usually about 1e-3): the learning rate looks too \(entry.updateRatio > Self.ratioRange.upperBound ? "high" : "low")")
            }
            layers.append(entry)
        }
        self.layers = layers
        self.samples = input.rows
        self.warnings = warnings
    }

    /// The report as JSON.
    public var json: JSON {
        .object([
            ("samples", .number(samples)),
            ("layers", .array(layers.map { l in .object([
                ("layer", .number(l.layer)), ("activation", .string(l.activation.rawValue)),
                ("gradient_norm", .number(l.gradientNorm)),
                ("dead_fraction", l.deadFraction.map { JSON.number($0) } ?? .null),
                ("saturated_fraction", l.saturatedFraction.map { JSON.number($0) } ?? .null),
                ("update_ratio", .number(l.updateRatio)),
            ]) })),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
    }
}
