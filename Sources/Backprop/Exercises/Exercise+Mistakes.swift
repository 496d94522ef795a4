/// The usual mistakes of backprop by hand — the tutorial's own warnings and a few more — each a
/// wrong formula that ``Exercise`` recomputes to name what went wrong.
///
/// | mistake | wrong formula (right one in brackets) |
/// |---|---|
/// | `delta-times-input` | `δ · a_prev` where `δ` alone belongs: in `δ`, `db` [`δ`] and so in `dW` [`δ a_prevᵀ`] |
/// | `updated-weights-used` | hidden `δ^l` from `W^(l+1)` after its update [before] |
/// | `forgot-derivative` | `δ = dLoss/da` [`dLoss/da ⊙ σ'(z)`] |
/// | `derivative-of-output` | `σ'(a)` [`σ'(z)`], e.g. `σ(a)(1 − σ(a))` for a sigmoid |
/// | `wrong-sign` | `W + η dW` [`W − η dW`], or `δ` from `y − a` [`a − y`] |
/// | `missing-factor` | the ½ of `½ (a − y)²` forgotten: the loss and every gradient twice [once] |
/// | `transposed` | `W` for `Wᵀ`: `W[k][j]` for `W[j][k]`, `dW[k][j]` for `dW[j][k]` |
/// | `wrong-layer` | `a` of another layer where `a^(l−1)` belongs, in `z^l` or `dW^l` |
public enum Mistake: String, CaseIterable, Sendable {
    case deltaTimesInput = "delta-times-input"
    case updatedWeightsUsed = "updated-weights-used"
    case forgotDerivative = "forgot-derivative"
    case derivativeOfOutput = "derivative-of-output"
    case wrongSign = "wrong-sign"
    case missingFactor = "missing-factor"
    case transposed
    case wrongLayer = "wrong-layer"

    /// What the mistake is, in a learner's words.
    public var explanation: String {
        switch self {
        case .deltaTimesInput: "δ was multiplied by a_prev: that factor (dz/dW) belongs to the weight's gradient only; δ and db stop before it"
        case .updatedWeightsUsed: "the hidden δ used the weights after their update; backprop uses W as it was in the forward pass"
        case .forgotDerivative: "σ'(z) was left out: δ = dLoss/da ⊙ σ'(z)"
        case .derivativeOfOutput: "σ' was taken of a instead of z"
        case .wrongSign: "the sign: the update is W − η·dW (down the gradient), and dLoss/da = a − y"
        case .missingFactor: "the ½ of ½(a − y)² cancels the 2 of the derivative, so dLoss/da = a − y (not 2(a − y)), and the loss keeps its ½"
        case .transposed: "W where Wᵀ belongs (or the indices swapped): W[j][k] connects input k to neuron j"
        case .wrongLayer: "a from the wrong layer: z^l and dW^l use a^(l−1), the layer's input"
        }
    }
}

extension Exercise {
    /// A wrong formula's value for a question.
    struct Candidate {
        var mistake: Mistake
        var value: Double
    }

    /// `a^l[j]` (l = 0: the input).
    func a(_ l: Int, _ j: Int) -> Double? {
        let values = l == 0 ? input : (l <= trace.layers.count ? (0..<trace.layers[l - 1].a.cols).map { trace.layers[l - 1].a[0, $0] } : [])
        return j >= 0 && j < values.count ? values[j] : nil
    }

    /// `σ'` of layer `l` at `x`, as if `x` were its `z` (nil for softmax).
    func derivative(_ l: Int, at x: Double) -> Double? {
        let act = trace.layers[l - 1].activation
        guard act.isElementwise else { return nil }
        return act.derivative(z: x, a: act.value(x))
    }

    /// The variants of `δ^l[j]` that each mistake gives, from right values upstream.
    func deltaCandidates(_ l: Int, _ j: Int) -> [Candidate] {
        let t = trace.layers[l - 1]
        let right = t.delta[0, j], z = t.z[0, j], a = t.a[0, j]
        var out: [Candidate] = [.init(mistake: .wrongSign, value: -right), .init(mistake: .missingFactor, value: 2 * right)]
        let upstream: Double, upstreamUpdated: Double?, upstreamTransposed: Double?
        if l == trace.layers.count {
            upstream = t.outputGradient[0, j]
            (upstreamUpdated, upstreamTransposed) = (nil, nil)
        } else {
            let above = trace.layers[l]
            let deltas = (0..<above.delta.cols).map { above.delta[0, $0] }
            upstream = deltas.indices.reduce(0) { $0 + above.weights[$1, j] * deltas[$1] }
            upstreamUpdated = deltas.indices.reduce(0) { $0 + above.updatedWeights[$1, j] * deltas[$1] }
            upstreamTransposed = above.weights.rows == above.weights.cols && j < above.weights.rows
                ? deltas.indices.reduce(0) { $0 + above.weights[j, $1] * deltas[$1] } : nil
        }
        if !t.deltaIsFused, let dz = derivative(l, at: z) {
            out.append(.init(mistake: .forgotDerivative, value: upstream))
            if let da = derivative(l, at: a) { out.append(.init(mistake: .derivativeOfOutput, value: upstream * da)) }
            if let u = upstreamUpdated { out.append(.init(mistake: .updatedWeightsUsed, value: u * dz)) }
            if let u = upstreamTransposed { out.append(.init(mistake: .transposed, value: u * dz)) }
        } else if t.deltaIsFused {
            out.append(.init(mistake: .wrongSign, value: target[j] - a))
        }
        for k in 0..<t.input.cols { out.append(.init(mistake: .deltaTimesInput, value: right * t.input[0, k])) }
        return out
    }

    /// The wrong values a learner may give for `question`, each with the mistake behind it
    /// (mistakes upstream carried through the formula).
    func candidates(for question: Question) -> [Candidate] {
        let l = question.layer, i = question.index
        switch question.quantity {
        case .loss:
            return [.init(mistake: .missingFactor, value: 2 * question.answer)]
        case .a:
            return []
        case .z:
            let t = trace.layers[l - 1], j = i[0]
            var out: [Candidate] = []
            if t.weights.rows == t.weights.cols {
                out.append(.init(mistake: .transposed, value: (0..<t.input.cols).reduce(t.biases[j]) { $0 + t.weights[$1, j] * t.input[0, $1] }))
            }
            for other in [l, l - 2] where other >= 0 && other != l - 1 {
                let values = (0..<t.input.cols).map { a(other, $0) }
                if values.allSatisfy({ $0 != nil }) {
                    out.append(.init(mistake: .wrongLayer, value: (0..<t.input.cols).reduce(t.biases[j]) { $0 + t.weights[j, $1] * values[$1]! }))
                }
            }
            return out
        case .delta:
            return deltaCandidates(l, i[0])
        case .db:
            return deltaCandidates(l, i[0])
        case .dW:
            return weightGradientCandidates(l, i[0], i[1])
        case .newW:
            let t = trace.layers[l - 1], (j, k) = (i[0], i[1]), w = t.weights[j, k], eta = learningRate
            var out: [Candidate] = [.init(mistake: .wrongSign, value: w + eta * t.weightGradient[j, k])]
            if k < t.weightGradient.rows && j < t.weightGradient.cols && j != k {
                out.append(.init(mistake: .transposed, value: w - eta * t.weightGradient[k, j]))
            }
            out += weightGradientCandidates(l, j, k).filter { $0.mistake != .wrongSign }.map { .init(mistake: $0.mistake, value: w - eta * $0.value) }
            return out
        case .newB:
            let t = trace.layers[l - 1], j = i[0], b = t.biases[j], eta = learningRate
            return [.init(mistake: .wrongSign, value: b + eta * t.biasGradient[j])]
                + deltaCandidates(l, j).filter { $0.mistake != .wrongSign }.map { .init(mistake: $0.mistake, value: b - eta * $0.value) }
        }
    }

    /// The wrong values of `dW^l[j][k] = δ^l[j] · a^(l−1)[k]`.
    func weightGradientCandidates(_ l: Int, _ j: Int, _ k: Int) -> [Candidate] {
        let t = trace.layers[l - 1], right = t.weightGradient[j, k], aPrev = t.input[0, k], delta = t.delta[0, j]
        var out: [Candidate] = [.init(mistake: .wrongSign, value: -right)]
        if k < t.weightGradient.rows && j < t.weightGradient.cols && j != k {
            out.append(.init(mistake: .transposed, value: t.weightGradient[k, j]))
        }
        for other in [l, l - 2] where other >= 0 {
            if let a = a(other, k) { out.append(.init(mistake: .wrongLayer, value: delta * a)) }
        }
        out += deltaCandidates(l, j).map { .init(mistake: $0.mistake, value: $0.value * aPrev) }
        return out
    }
}
