import Foundation

extension StepTrace {
    /// The step written out in the tutorial's terms, with every number: what `backprop explain`
    /// prints. `source` names where the network came from (`model m.json`).
    ///
    /// ```swift
    /// let (x, y) = ToySets.xor(Double.self)
    /// let trace = StepTrace.record(network: Network<Double>.tutorial(seed: 42), input: x, target: y, learningRate: 0.5)
    /// print(trace.text(source: "XOR network, seed 42"))
    /// ```
    public func text(source: String) -> String { StepTraceText(trace: self, source: source).text }
}

/// The text of a recorded step (``StepTrace/text(source:)``).
struct StepTraceText {
    var trace: StepTrace
    var source: String

    private var lastLayer: Int { trace.layers.count }
    private var samples: Int { trace.input.rows }

    var text: String {
        var out: [String] = []
        let sizes = [trace.input.cols] + trace.layers.map { $0.weights.rows }
        let acts = trace.layers.map(\.activation.rawValue).joined(separator: "/")
        out.append("One training step, hand by hand: \(source), network \(shapeName(sizes)) (\(acts)), "
                   + "\(trace.loss.rawValue) \(trace.reduction == .sum ? "summed" : "averaged") over \(samples) sample\(samples == 1 ? "" : "s"), η = \(fmt(trace.learningRate))")
        out.append("Numbers in double precision, 9 significant digits (--json gives all 17).")
        out.append("")
        out.append("Forward: z^l = W^l a^(l-1) + b^l, a^l = σ(z^l), starting from a⁰ = x")
        for s in 0..<samples {
            out.append("  sample \(s + 1): x = a⁰ = \(fmt(trace.input.row(s)))   y = \(fmt(trace.target.row(s)))")
            for (i, layer) in trace.layers.enumerated() {
                let l = i + 1
                for j in 0..<layer.weights.rows {
                    let terms = (0..<layer.weights.cols).map { k in "\(factor(layer.weights[j, k]))·\(factor(layer.input[s, k]))" }
                    out.append("    z\(sup(l))[\(j)] = \(terms.joined(separator: " + ")) + \(factor(layer.biases[j])) = \(fmt(layer.z[s, j]))"
                               + "   a\(sup(l))[\(j)] = \(layer.activation == .softmax ? "softmax(z\(sup(l)))[\(j)]" : "\(layer.activation.rawValue)(\(fmt(layer.z[s, j])))") = \(fmt(layer.a[s, j]))")
                }
                if let mask = layer.mask, l < lastLayer {      // what the layer above sees
                    out.append("    dropout: a\(sup(l))' = a\(sup(l)) ⊙ m\(sup(l)) = \(fmt(layer.a.row(s))) ⊙ \(fmt(mask.row(s))) = \(fmt(trace.layers[l].input.row(s)))   (m: 0 dropped, 1/(1−p) kept)")
                }
            }
        }
        out.append("")
        let aL = "a\(sup(lastLayer))"
        let lossFormula: String
        switch trace.loss {
        case .squaredError: lossFormula = "½ (\(aL) − y)²"
        case .binaryCrossEntropy: lossFormula = "−[y ln \(aL) + (1 − y) ln(1 − \(aL))]"
        case .softmaxCrossEntropy: lossFormula = "−y ln \(aL)"
        }
        out.append("Loss = \(trace.reduction == .sum ? "Σ" : "(1/\(samples)) Σ") \(lossFormula) = \(fmt(trace.lossBefore))")
        out.append("")
        out.append("Backward, from the output layer down")
        for (i, layer) in trace.layers.enumerated().reversed() {
            let l = i + 1, L = sup(l), P = sup(l - 1)
            let isOutput = l == lastLayer
            out.append("  layer \(l) (\(isOutput ? "output" : "hidden")), σ = \(layer.activation.rawValue)")
            let gradientRule: String
            if isOutput {
                switch trace.loss {
                case .squaredError: gradientRule = "a\(L) − y"
                case .binaryCrossEntropy: gradientRule = "(a\(L) − y) / (a\(L)(1 − a\(L)))"
                case .softmaxCrossEntropy: gradientRule = "−y / a\(L)"
                }
            } else {
                gradientRule = "(W\(sup(l + 1)))ᵀ δ\(sup(l + 1))"
            }
            let scale = trace.reduction == .mean && isOutput ? "(1/\(samples))·" : ""
            let da = layer.mask == nil ? "dLoss/da\(L)" : "dLoss/da\(L)'"     // a' = a ⊙ m: what the layer above saw
            rows(&out, da, "= " + (scale.isEmpty ? gradientRule : "\(scale)(\(gradientRule))"), layer.outputGradient)
            if let derivative = layer.activationDerivative {
                rows(&out, "da\(L)/dz\(L)", "= σ'(z\(L)) = \(derivativeRule(layer.activation, L))", derivative)
            } else {
                out.append("    da\(L)/dz\(L) = the softmax Jacobian, da_i/dz_j = a_i (1[i=j] − a_j): each output depends on every z")
            }
            if layer.deltaIsFused {
                rows(&out, "δ\(L)", "= a\(L) − y   (\(trace.loss.rawValue) fused with \(layer.activation.rawValue): dLoss/da through da/dz simplifies to a − y\(scale.isEmpty ? "" : ", times 1/\(samples)"))", layer.delta)
            } else if layer.activation == .softmax {
                rows(&out, "δ\(L)", "= a\(L) ⊙ (dLoss/da\(L) − Σ_j dLoss/da\(L)_j a\(L)_j)   (the Jacobian times dLoss/da)", layer.delta)
            } else if let mask = layer.mask {
                rows(&out, "m\(L)", "(the dropout mask: 0 dropped, 1/(1−p) kept; the layer above saw a\(L)' = a\(L) ⊙ m\(L))", mask)
                rows(&out, "δ\(L)", "= \(da) ⊙ m\(L) ⊙ σ'(z\(L))", layer.delta)
            } else {
                rows(&out, "δ\(L)", "= dLoss/da\(L) ⊙ σ'(z\(L))", layer.delta)
            }
            rows(&out, "dz\(L)/dW\(L)", "= a\(P)", layer.input)
            out.append("    dLoss/dW\(L) = \(samples > 1 ? "Σ_samples " : "")δ\(L) (a\(P))ᵀ   (row j: neuron j, column k: input k)")
            for j in 0..<layer.weightGradient.rows { out.append("      \(fmt(layer.weightGradient.row(j)))") }
            out.append("    dLoss/db\(L) = \(samples > 1 ? "Σ_samples " : "")δ\(L) = \(fmt(layer.biasGradient))")
        }
        out.append("")
        out.append("Why δ is not multiplied by a_prev: " + StepTrace.whyDeltaExcludesInput)
        out.append("")
        out.append(contentsOf: chainRuleExample())
        out.append("")
        out.append(contentsOf: updateLines())
        out.append("")
        out.append("Loss after the step: \(fmt(trace.lossAfter)) (before: \(fmt(trace.lossBefore)), change \(fmt(trace.lossAfter - trace.lossBefore, 3)))")
        return out.joined(separator: "\n")
    }

    /// The update of every parameter: for plain gradient descent `W − η·dW = W'` with its numbers;
    /// for any other rule (momentum, Adam, a regulariser) each parameter before and after, since
    /// that rule's numbers (v, m̂, v̂, g') are one parameter's: `--parameter` shows them.
    private func updateLines() -> [String] {
        let o = trace.optimizerBefore
        let plain = o.isPlainGradientDescent
        var out: [String] = []
        if plain {
            out.append("Update: W ← W − η dLoss/dW, b ← b − η dLoss/db, η = \(fmt(trace.learningRate))")
        } else {
            let extras = (o.weightDecay != 0 ? ", λ = \(fmt(o.weightDecay))" : "") + (o.l1 != 0 ? ", λ₁ = \(fmt(o.l1))" : "")
            out.append("Update by \(o.kind.rawValue)'s rule, η = \(fmt(trace.learningRate))\(extras): each parameter before → after"
                       + " (its rule with the numbers: --parameter LAYER,NEURON[,INPUT])")
        }
        for (i, layer) in trace.layers.enumerated() {
            let L = sup(i + 1)
            out.append("  W\(L):")
            for j in 0..<layer.weights.rows {
                let cells = (0..<layer.weights.cols).map { k in
                    plain ? "\(fmt(layer.weights[j, k])) − \(fmt(trace.learningRate))·\(factor(layer.weightGradient[j, k])) = \(fmt(layer.updatedWeights[j, k]))"
                          : "\(fmt(layer.weights[j, k])) → \(fmt(layer.updatedWeights[j, k]))"
                }
                out.append("    [\(cells.joined(separator: ",   "))]")
            }
            let cells = layer.biases.indices.map { j in
                plain ? "\(fmt(layer.biases[j])) − \(fmt(trace.learningRate))·\(factor(layer.biasGradient[j])) = \(fmt(layer.updatedBiases[j]))"
                      : "\(fmt(layer.biases[j])) → \(fmt(layer.updatedBiases[j]))"
            }
            out.append("  b\(L): [\(cells.joined(separator: ",   "))]")
        }
        return out
    }

    /// A number as a factor of a product: negative ones in parentheses, `0.5·(-0.02)`.
    private func factor(_ x: Double) -> String { parenthesized(x) { fmt($0) } }

    /// One line per sample of a (B, ·) matrix, labelled on the first.
    private func rows(_ out: inout [String], _ name: String, _ rule: String, _ m: Matrix<Double>) {
        let head = "    \(name) \(rule)"
        if m.rows == 1 {
            out.append("\(head) = \(fmt(m.row(0)))")
            return
        }
        out.append(head + ":")
        for s in 0..<m.rows { out.append("      sample \(s + 1): \(fmt(m.row(s)))") }
    }

    private func derivativeRule(_ a: Activation, _ L: String) -> String {
        switch a {
        case .sigmoid: return "a\(L)(1 − a\(L))"
        case .tanh: return "1 − (a\(L))²"
        case .relu: return "1 where z\(L) > 0, else 0"
        case .leakyRelu: return "1 where z\(L) > 0, else \(Activation.leakySlope)"
        case .identity: return "1"
        case .softmax: return "a\(L)(1 − a\(L)) on the diagonal"
        }
    }

    /// The chain rule for the output layer's first weight, written out with the first sample's numbers.
    private func chainRuleExample() -> [String] {
        let last = trace.layers[lastLayer - 1]
        let L = sup(lastLayer), P = sup(lastLayer - 1)
        let g = last.outputGradient[0, 0], x = last.input[0, 0]
        guard let derivative = last.activationDerivative, !last.deltaIsFused || trace.loss == .binaryCrossEntropy else {
            return ["The chain rule for one weight, W\(L)[0][0], sample 1: dLoss/dW\(L)[0][0] = δ\(L)[0] · a\(P)[0]"
                    + " = \(factor(last.delta[0, 0])) · \(factor(x)) = \(fmt(last.delta[0, 0] * x))"
                    + " (δ comes from the softmax Jacobian: \(last.deltaRule))"]
        }
        let d = derivative[0, 0]
        var lines = ["The chain rule for one weight, W\(L)[0][0] (into output neuron 0 from input 0), sample 1:"]
        lines.append("  dLoss/dW\(L)[0][0] = dLoss/da\(L) · da\(L)/dz\(L) · dz\(L)/dW\(L)")
        if trace.loss == .squaredError && last.activation == .sigmoid && trace.reduction == .sum {
            lines.append("                   = (a\(L)[0] − y[0]) · a\(L)[0](1 − a\(L)[0]) · a\(P)[0]")
        }
        lines.append("                   = \(factor(g)) · \(factor(d)) · \(factor(x)) = \(fmt(g * d * x))")
        if samples > 1 {
            lines.append("  summed over the \(samples) samples: dLoss/dW\(L)[0][0] = \(fmt(last.weightGradient[0, 0]))")
        }
        return lines
    }
}

/// A number with `digits` significant digits, e.g. `0.593269992` (no "-0").
private func fmt(_ x: Double, _ digits: Int = 9) -> String { String(format: "%.\(digits)g", x == 0 ? 0 : x) }
/// A vector as `[0.1, 0.2]`.
private func fmt(_ v: [Double], _ digits: Int = 9) -> String { "[" + v.map { fmt($0, digits) }.joined(separator: ", ") + "]" }
/// A layer number as a superscript: 1 → ¹.
private func sup(_ n: Int) -> String { NetworkDiagram.sup(n) }
