import Foundation

/// How healthy each layer looks after training, on a probe batch: the signs that training is
/// stuck that a learner would otherwise look for by hand.
///
/// Per layer, on the probe batch:
/// - `gradientNorm = ‖dW‖` (Frobenius norm of the weight gradient of one backward pass);
/// - `deadFraction`: ReLU units (`relu`) whose `a` is 0 for every sample — they pass no gradient;
/// - `saturatedFraction`: sigmoid outputs below 0.01 or above 0.99, tanh outputs beyond ±0.99
///   (share of unit × sample values) — there `σ'(z)` is nearly 0;
/// - `updateRatio = ‖ΔW‖ / ‖W‖`: how much one step of the run's own optimizer moves the weights
///   (about 1e-3 is the usual rule of thumb). `ΔW` is the optimizer's real update — Adam's
///   `η m̂/(√v̂ + ε)` with its moments, momentum's `η v`, weight decay and L1 included — taken on
///   a copy at `η = 1` and scaled by each learning rate the run used (the update is linear in
///   `η`): `updateRatio` is the largest, `lastUpdateRatio` the last. A schedule that ends near 0
///   is not a learning rate that is "too low": only the largest step is judged.
///
/// Advice already in effect is not given: standardised inputs when the inputs are scaled, He
/// initialisation when the layer has it.
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
        /// `‖ΔW‖ / ‖W‖` of one step at the largest learning rate of the run.
        public var updateRatio: Double
        /// The same at the run's last learning rate.
        public var lastUpdateRatio: Double
    }

    /// What the run already does, so that the advice does not repeat it.
    public struct Setting: Sendable {
        /// Whether the inputs are scaled (standardised or min-max).
        public var scaledInputs: Bool
        /// Each layer's initialiser (nil: unknown, e.g. a model read from a file).
        public var initializers: [Initializer]?
        public init(scaledInputs: Bool = false, initializers: [Initializer]? = nil) {
            (self.scaledInputs, self.initializers) = (scaledInputs, initializers)
        }
    }

    public var layers: [Layer]
    public var samples: Int
    /// One line per value out of the usual range.
    public var warnings: [String]

    /// Thresholds of the warnings.
    public static let deadLimit = 0.5, saturatedLimit = 0.8, ratioRange = 1e-7...1e-1

    /// Plain gradient descent at `learningRate`, nothing known of the run's setting.
    public init<T: Scalar>(network: Network<T>, input: Matrix<T>, target: Matrix<T>, learningRate: Double) {
        self.init(network: network, input: input, target: target, optimizer: .gradientDescent(learningRate: T(learningRate)),
                  learningRates: [learningRate])
    }

    /// The health of `network` for the next step of `optimizer` (its kind, settings and state),
    /// at each of `learningRates` (every rate the run used; empty: the optimizer's own).
    public init<T: Scalar>(network: Network<T>, input: Matrix<T>, target: Matrix<T>, optimizer: Optimizer<T>,
                           learningRates: [Double], setting: Setting = Setting()) {
        var net = network
        net.forward(input)
        _ = net.computeLoss(target: target)
        net.backward(input: input)
        // The optimizer's own update at η = 1, on copies: ΔW per unit of learning rate.
        var stepped = net, unit = optimizer
        unit.learningRate = 1
        unit.step(&stepped)
        let rates = learningRates.isEmpty ? [Double(optimizer.learningRate)] : learningRates
        let (largest, last) = (rates.map(abs).max() ?? 0, abs(rates.last ?? 0))
        var layers: [Layer] = []
        var warnings: [String] = []
        for (l, dense) in net.layers.enumerated() {
            func norm(_ v: [T]) -> Double { v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
            let g = norm(dense.weightGradient.storage), w = norm(dense.weights.storage)
            let move = zip(dense.weights.storage, stepped.layers[l].weights.storage).reduce(0.0) {
                let d = Double($1.0) - Double($1.1); return $0 + d * d
            }.squareRoot()
            let perRate = w > 0 ? move / w : 0
            var entry = Layer(layer: l + 1, activation: dense.activation, gradientNorm: g, deadFraction: nil,
                              saturatedFraction: nil, updateRatio: largest * perRate, lastUpdateRatio: last * perRate)
            let a = dense.a, units = dense.outputSize
            let initializer = setting.initializers.flatMap { l < $0.count ? $0[l] : nil }
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
                let advice = ["a lower learning rate", "leaky-relu"] + (initializer == .he ? [] : ["He initialisation"])
                warnings.append("\(name): \(Self.percent(d)) of its ReLUs are dead (never active on \(a.rows) samples): they pass no gradient; try \(Self.list(advice))")
            }
            if let s = entry.saturatedFraction, s > Self.saturatedLimit, l < net.layers.count - 1 {
                let advice = (setting.scaledInputs ? [] : ["standardised inputs"])
                    + (initializer == .xavier ? ["a lower learning rate"] : ["smaller initial weights (Xavier)"])
                warnings.append("\(name): \(Self.percent(s)) of its \(dense.activation.rawValue) outputs are saturated (σ' ≈ 0): try \(Self.list(advice))")
            }
            if !g.isFinite || !entry.updateRatio.isFinite {
                warnings.append("\(name): the gradient is not finite")
            } else if g == 0 {
                warnings.append("\(name): no gradient reaches its weights (dW = 0 on every sample)")
            } else if entry.updateRatio > Self.ratioRange.upperBound {
                warnings.append("\(name): one step changes the weights by \(Self.format(entry.updateRatio)) of their size (usually about 1e-3): the learning rate looks too high; try --lr \(Self.format(largest * 1e-3 / entry.updateRatio, digits: 1))")
            } else if entry.updateRatio < Self.ratioRange.lowerBound {
                warnings.append("\(name): even the largest step changes the weights by only \(Self.format(entry.updateRatio)) of their size (usually about 1e-3): the learning rate looks too low")
            }
            layers.append(entry)
        }
        self.layers = layers
        self.samples = input.rows
        self.warnings = warnings
    }

    /// A ratio as the health table prints it: 2 significant digits (`0.0013`, `5.9e-06`).
    public static func format(_ x: Double, digits: Int = 2) -> String { String(format: "%.\(digits)g", x == 0 ? 0 : x) }

    static func percent(_ x: Double) -> String { "\(Int((x * 100).rounded()))%" }

    /// `["a", "b", "c"]` → `a, b or c`.
    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items[items.count - 1]
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
                ("last_update_ratio", .number(l.lastUpdateRatio)),
            ]) })),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
    }
}
