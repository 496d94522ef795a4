import Foundation

extension Exercise {
    /// The right computation of `question` with its numbers, as `backprop explain` writes it:
    /// `δ²[0] = (a²[0] − y[0]) · σ'(z²[0]) = (0.7514 − 0.01) · 0.1868 = 0.138498562`.
    public func working(_ question: Question) -> String {
        let l = question.layer, s = NetworkDiagram.sup(l), L = trace.layers.count
        func n(_ x: Double) -> String { Self.short(x) }
        func p(_ x: Double) -> String { parenthesized(x, Self.short) }
        func prev(_ k: Int) -> String { l == 1 ? "x[\(k)]" : "a\(NetworkDiagram.sup(l - 1))[\(k)]" }
        let result = Self.full(question.answer)
        switch question.quantity {
        case .z:
            let t = trace.layers[l - 1], j = question.index[0], ks = 0..<t.input.cols
            let symbols = ks.map { "W\(s)[\(j)][\($0)]·\(prev($0))" }.joined(separator: " + ") + " + b\(s)[\(j)]"
            let numbers = ks.map { "\(p(t.weights[j, $0]))·\(p(t.input[0, $0]))" }.joined(separator: " + ") + " + \(p(t.biases[j]))"
            return "z\(s)[\(j)] = \(symbols) = \(numbers) = \(result)"
        case .a:
            let t = trace.layers[l - 1], j = question.index[0]
            if t.activation == .softmax {
                let zs = (0..<t.z.cols).map { "e^\(n(t.z[0, $0]))" }.joined(separator: " + ")
                return "a\(s)[\(j)] = softmax(z\(s))[\(j)] = e^\(n(t.z[0, j])) / (\(zs)) = \(result)"
            }
            return "a\(s)[\(j)] = \(t.activation.rawValue)(z\(s)[\(j)]) = \(t.activation.rawValue)(\(n(t.z[0, j]))) = \(result)"
        case .loss:
            let t = trace.layers[L - 1], S = NetworkDiagram.sup(L), js = 0..<t.a.cols
            switch network.loss {
            case .squaredError:
                let terms = js.map { "(\(n(t.a[0, $0])) − \(n(target[$0])))²" }.joined(separator: " + ")
                return "Loss = ½ Σ (a\(S) − y)² = ½ (\(terms)) = \(result)"
            case .binaryCrossEntropy:
                let terms = js.map { "\(n(target[$0]))·ln \(n(t.a[0, $0])) + \(n(1 - target[$0]))·ln \(n(1 - t.a[0, $0]))" }.joined(separator: " + ")
                return "Loss = −Σ [y ln a\(S) + (1 − y) ln(1 − a\(S))] = −(\(terms)) = \(result)"
            case .softmaxCrossEntropy:
                let terms = js.map { "\(n(target[$0]))·ln \(n(t.a[0, $0]))" }.joined(separator: " + ")
                return "Loss = −Σ y ln a\(S) = −(\(terms)) = \(result)"
            }
        case .delta, .db:
            let j = question.index[0]
            let head = question.quantity == .db ? "dLoss/db\(s)[\(j)] = δ\(s)[\(j)] (dz/db = 1) = " : ""
            return head + deltaWorking(l, j)
        case .dW:
            let t = trace.layers[l - 1], (j, k) = (question.index[0], question.index[1])
            return "dLoss/dW\(s)[\(j)][\(k)] = δ\(s)[\(j)] · \(prev(k)) = \(p(t.delta[0, j])) · \(p(t.input[0, k])) = \(result)"
        case .newW:
            let t = trace.layers[l - 1], (j, k) = (question.index[0], question.index[1])
            return "W\(s)[\(j)][\(k)] ← W\(s)[\(j)][\(k)] − η·dLoss/dW\(s)[\(j)][\(k)] = \(n(t.weights[j, k])) − \(n(learningRate))·\(p(t.weightGradient[j, k])) = \(result)"
        case .newB:
            let t = trace.layers[l - 1], j = question.index[0]
            return "b\(s)[\(j)] ← b\(s)[\(j)] − η·dLoss/db\(s)[\(j)] = \(n(t.biases[j])) − \(n(learningRate))·\(p(t.biasGradient[j])) = \(result)"
        }
    }

    /// `δ^l[j]`'s formula with its numbers (ending in its value).
    func deltaWorking(_ l: Int, _ j: Int) -> String {
        let t = trace.layers[l - 1], s = NetworkDiagram.sup(l), L = trace.layers.count
        func n(_ x: Double) -> String { Self.short(x) }
        func p(_ x: Double) -> String { parenthesized(x, Self.short) }
        let value = Self.full(t.delta[0, j])
        if t.deltaIsFused {
            return "δ\(s)[\(j)] = a\(s)[\(j)] − y[\(j)] (\(network.loss.rawValue) with its \(t.activation.rawValue): σ' cancels) = \(n(t.a[0, j])) − \(n(target[j])) = \(value)"
        }
        let derivative = t.activationDerivative.map { n($0[0, j]) } ?? "?"
        let rule: String = switch t.activation {
        case .sigmoid: "a(1 − a)"
        case .tanh: "1 − a²"
        case .relu: "1 if z > 0, else 0"
        case .leakyRelu: "1 if z > 0, else 0.01"
        default: "1"
        }
        if l == L {
            let grad = network.loss == .squaredError ? "(a\(s)[\(j)] − y[\(j)])" : "dLoss/da\(s)[\(j)]"
            return "δ\(s)[\(j)] = \(grad) · σ'(z\(s)[\(j)]) = \(p(t.outputGradient[0, j])) · \(derivative) = \(value)   (σ' = \(rule))"
        }
        let above = trace.layers[l], S = NetworkDiagram.sup(l + 1), is_ = 0..<above.delta.cols
        let symbols = is_.map { "W\(S)[\($0)][\(j)]·δ\(S)[\($0)]" }.joined(separator: " + ")
        let numbers = is_.map { "\(p(above.weights[$0, j]))·\(p(above.delta[0, $0]))" }.joined(separator: " + ")
        return "δ\(s)[\(j)] = (\(symbols)) · σ'(z\(s)[\(j)]) = (\(numbers)) · \(derivative) = \(value)   (σ' = \(rule))"
    }

    /// 4 significant digits, for the numbers inside a formula.
    static func short(_ x: Double) -> String { String(format: "%.4g", x == 0 ? 0 : x) }
    /// 9 significant digits, for a result.
    public static func full(_ x: Double) -> String { String(format: "%.9g", x == 0 ? 0 : x) }
}
