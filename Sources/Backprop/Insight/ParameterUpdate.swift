import RealModule

/// How the optimizer moved one parameter in a recorded step, with every number of its rule.
///
/// | optimizer  | rule (`g` = dLoss/dp from backprop; λ and λ₁ act on weights only)                 |
/// |------------|-----------------------------------------------------------------------------------|
/// | `sgd`      | `g' = g + λ p + λ₁ sign(p)`;  `p ← p − η g'`                                      |
/// | `momentum` | `g'` as sgd;  `v ← μ v + g'`;  `p ← p − η v`                                      |
/// | `nesterov` | `g'` as sgd;  `v ← μ v + g'`;  `p ← p − η (g' + μ v)`                             |
/// | `adam`     | `g' = g + λ₁ sign(p)`;  `m ← β₁ m + (1 − β₁) g'`;  `v ← β₂ v + (1 − β₂) g'²`;   |
/// |            | `m̂ = m / (1 − β₁ᵗ)`, `v̂ = v / (1 − β₂ᵗ)`;  `p ← (1 − η λ) p − η m̂ / (√v̂ + ε)`   |
///
/// The state after the step (`v`, or `m` and `v`) and the updated parameter are recorded from
/// the optimizer's own step (``Optimizer/step(_:)``); `g'`, `m̂` and `v̂` are the rule's
/// intermediate values, worked out from those records to be shown.
public struct ParameterUpdate: Sendable {
    public var kind: Optimizer<Double>.Kind
    /// `η`, `μ`, `β₁`, `β₂`, `ε`; `λ` and `λ₁` as applied to this parameter (0 for a bias).
    public var learningRate: Double, momentum: Double, beta1: Double, beta2: Double, epsilon: Double
    public var weightDecay: Double, l1: Double
    /// `t`: the optimizer's step count after this step (Adam's bias correction).
    public var step: Int
    /// The parameter before and after the step.
    public var value: Double, updated: Double
    /// `g`: dLoss/dp from backprop.
    public var gradient: Double
    /// `g'`: the gradient as the rule uses it (with the L2 and L1 terms).
    public var regularizedGradient: Double
    /// momentum, nesterov: `v` before and after; adam: `m` before and after.
    public var firstBefore: Double?, firstAfter: Double?
    /// adam: `v` before and after.
    public var secondBefore: Double?, secondAfter: Double?

    /// Adam's `m̂ = m / (1 − β₁ᵗ)`.
    public var firstCorrected: Double? { firstAfter.map { $0 / (1 - Double.pow(beta1, Double(step))) } }
    /// Adam's `v̂ = v / (1 − β₂ᵗ)`.
    public var secondCorrected: Double? { secondAfter.map { $0 / (1 - Double.pow(beta2, Double(step))) } }

    /// The rule and its numbers, one line per equation, as `backprop explain --parameter` and
    /// the playground's panel show them (`p`: the parameter's name).
    public func lines(_ p: String, _ f: (Double) -> String) -> [String] {
        var out: [String] = []
        func t(_ x: Double) -> String { parenthesized(x, f) }
        let g = "dLoss/d\(p)"
        var terms = [g]
        if weightDecay != 0 && kind != .adam { terms.append("λ·\(p)") }
        if l1 != 0 { terms.append("λ₁·sign(\(p))") }
        let gp = terms.count > 1 ? "g'" : g
        if terms.count > 1 {
            var numbers = [f(gradient)]
            if weightDecay != 0 && kind != .adam { numbers.append("\(f(weightDecay))·\(t(value))") }
            if l1 != 0 { numbers.append("\(f(l1))·\(value > 0 ? "1" : value < 0 ? "(−1)" : "0")") }
            out.append("g' = \(terms.joined(separator: " + ")) = \(numbers.joined(separator: " + ")) = \(f(regularizedGradient))")
        }
        switch kind {
        case .sgd:
            out.append("\(p) ← \(p) − η·\(gp) = \(f(value)) − \(t(learningRate)) × \(t(regularizedGradient)) = \(f(updated))")
        case .momentum, .nesterov:
            let (v0, v1) = (firstBefore ?? 0, firstAfter ?? 0)
            out.append("v ← μ·v + \(gp) = \(f(momentum)) × \(t(v0)) + \(t(regularizedGradient)) = \(f(v1))")
            if kind == .momentum {
                out.append("\(p) ← \(p) − η·v = \(f(value)) − \(t(learningRate)) × \(t(v1)) = \(f(updated))")
            } else {
                out.append("\(p) ← \(p) − η·(\(gp) + μ·v) = \(f(value)) − \(t(learningRate)) × (\(f(regularizedGradient)) + \(t(momentum)) × \(t(v1))) = \(f(updated))")
            }
        case .adam:
            let (m0, m1, s0, s1) = (firstBefore ?? 0, firstAfter ?? 0, secondBefore ?? 0, secondAfter ?? 0)
            out.append("m ← β₁·m + (1 − β₁)·\(gp) = \(f(beta1)) × \(t(m0)) + \(t(1 - beta1)) × \(t(regularizedGradient)) = \(f(m1))")
            out.append("v ← β₂·v + (1 − β₂)·(\(gp))² = \(f(beta2)) × \(t(s0)) + \(t(1 - beta2)) × (\(f(regularizedGradient)))² = \(f(s1))")
            out.append("m̂ = m / (1 − β₁^\(step)) = \(f(firstCorrected ?? 0)),  v̂ = v / (1 − β₂^\(step)) = \(f(secondCorrected ?? 0))")
            let decay = weightDecay != 0 ? "(1 − η·λ)·\(p)" : p
            let decayNumbers = weightDecay != 0 ? "(1 − \(t(learningRate)) × \(t(weightDecay))) × \(t(value))" : f(value)
            out.append("\(p) ← \(decay) − η·m̂ / (√v̂ + ε) = \(decayNumbers) − \(t(learningRate)) × \(t(firstCorrected ?? 0)) / (√\(f(secondCorrected ?? 0)) + \(t(epsilon))) = \(f(updated))")
        }
        return out
    }

    /// All the numbers as JSON.
    public var json: JSON {
        func n(_ x: Double?) -> JSON { x.map { .number($0) } ?? .null }
        return .object([
            ("optimizer", .string(kind.rawValue)), ("learning_rate", .number(learningRate)),
            ("momentum", kind == .momentum || kind == .nesterov ? .number(momentum) : .null),
            ("beta1", kind == .adam ? .number(beta1) : .null), ("beta2", kind == .adam ? .number(beta2) : .null),
            ("epsilon", kind == .adam ? .number(epsilon) : .null),
            ("weight_decay", .number(weightDecay)), ("l1", .number(l1)), ("step", .number(step)),
            ("value", .number(value)), ("gradient", .number(gradient)), ("regularized_gradient", .number(regularizedGradient)),
            ("first_moment_before", n(firstBefore)), ("first_moment", n(firstAfter)),
            ("second_moment_before", n(secondBefore)), ("second_moment", n(secondAfter)),
            ("first_moment_corrected", n(kind == .adam ? firstCorrected : nil)),
            ("second_moment_corrected", n(kind == .adam ? secondCorrected : nil)),
            ("updated", .number(updated)),
        ])
    }
}

extension StepTrace {
    /// How the optimizer moved `W^layer[j][k]` (or `b^layer[j]` when `k` is nil).
    func update(layer: Int, neuron j: Int, from k: Int?) -> ParameterUpdate {
        let t = layers[layer - 1], o = optimizerBefore, after = optimizerAfter
        let tensor = 2 * (layer - 1) + (k == nil ? 1 : 0)
        let index = k.map { j * t.weights.cols + $0 } ?? j
        func state(_ s: [[Double]]) -> Double? { tensor < s.count && index < s[tensor].count ? s[tensor][index] : nil }
        let value = k.map { t.weights[j, $0] } ?? t.biases[j]
        let gradient = k.map { t.weightGradient[j, $0] } ?? t.biasGradient[j]
        let (decay, l1) = k == nil ? (0.0, 0.0) : (o.weightDecay, o.l1)
        let sign: Double = value > 0 ? 1 : value < 0 ? -1 : 0
        let regularized = gradient + (o.kind == .adam ? 0 : decay * value) + l1 * sign
        let stateful = o.kind != .sgd
        return ParameterUpdate(
            kind: o.kind, learningRate: o.learningRate, momentum: o.momentum, beta1: o.beta1, beta2: o.beta2,
            epsilon: o.epsilon, weightDecay: decay, l1: l1, step: after.steps, value: value,
            updated: k.map { t.updatedWeights[j, $0] } ?? t.updatedBiases[j], gradient: gradient,
            regularizedGradient: regularized,
            firstBefore: stateful ? state(o.firstMoments) ?? 0 : nil, firstAfter: stateful ? state(after.firstMoments) : nil,
            secondBefore: o.kind == .adam ? state(o.secondMoments) ?? 0 : nil,
            secondAfter: o.kind == .adam ? state(after.secondMoments) : nil)
    }
}

extension Optimizer {
    /// The optimizer's settings and step count as JSON (no state).
    public var settingsJSON: JSON {
        .object([
            ("kind", .string(kind.rawValue)), ("learning_rate", .number(learningRate)), ("momentum", .number(momentum)),
            ("beta1", .number(beta1)), ("beta2", .number(beta2)), ("epsilon", .number(epsilon)),
            ("weight_decay", .number(weightDecay)), ("l1", .number(l1)), ("steps", .number(steps)),
        ])
    }
}

/// A number after an operator, as the explanations print it: a negative one in parentheses,
/// `− 0.3 × (-0.03)` and `0.5·(-0.02)`, never `× -0.03`.
func parenthesized(_ x: Double, _ f: (Double) -> String) -> String { x < 0 ? "(\(f(x)))" : f(x) }
