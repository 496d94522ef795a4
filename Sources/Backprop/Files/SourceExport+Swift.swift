extension SourceExport {
    /// One Swift file: `public enum NAME` with `inputs`, `outputs`, `classes` and `predict`.
    public static func swift<T: Scalar>(model: ModelFile<T>, name: String, source: String = "a model") throws(Failure) -> String {
        try check(name: name, swift: true)
        let layers = Self.layers(model)
        let usesSine = model.features?.contains { $0 == .sinX1 || $0 == .sinX2 } ?? false
        let acts = Set(layers.map(\.activation))
        var out = "// " + summary(model, source: source)
        out += "// Nothing is imported: the standard library is enough. Export the model again rather than edit this file.\n\n"
        out += "public enum \(name) {\n"
        out += "    /// The raw inputs `predict` takes (as in the training data).\n"
        out += "    public static let inputs = \(rawInputs(model))\n"
        out += "    /// The outputs `predict` returns.\n"
        out += "    public static let outputs = \(layers[layers.count - 1].outputs)\n"
        out += "    /// The class of each output (empty for a regression).\n"
        out += "    public static let classes: [String] = [\((model.classes ?? []).map { swiftString($0) }.joined(separator: ", "))]\n\n"
        out += "    /// Raw inputs → outputs" + (acts.contains(.softmax) ? " (class probabilities)" : "") + ": the input features and scaling, then every layer, `a = σ(W a_prev + b)`.\n"
        out += "    public static func predict(_ input: [Float]) -> [Float] {\n"
        out += "        precondition(input.count == inputs, \"\(name).predict takes \\(inputs) inputs, not \\(input.count)\")\n"
        out += "        let raw = input.map { Double($0) }\n"
        if let features = model.features {
            out += "        var a: [Double] = [" + features.map { feature($0, x: "raw", sine: "sine") }.joined(separator: ", ") + "]\n"
        } else {
            out += "        var a = raw\n"
        }
        if let p = model.preprocessing {
            out += "        for i in a.indices { a[i] = (a[i] - offset[i]) * (1 / scale[i]) }\n"
            _ = p
        }
        for (l, layer) in layers.enumerated() {
            out += "        a = dense(a, weights\(l), biases\(l), outputs: \(layer.outputs), activation: .\(activationCase(layer.activation)))\n"
        }
        out += "        return a.map { Float($0) }\n    }\n\n"
        out += "    enum Activation { case sigmoid, tanh, relu, leakyRelu, identity, softmax }\n\n"
        out += """
            /// `a = σ(W a_prev + b)`, W (outputs, inputs) row-major.
            static func dense(_ x: [Double], _ w: [Float], _ b: [Float], outputs: Int, activation: Activation) -> [Double] {
                var a = [Double](repeating: 0, count: outputs)
                for j in 0..<outputs {
                    var z = Double(b[j])
                    let row = j * x.count
                    for k in x.indices { z += Double(w[row + k]) * x[k] }
                    a[j] = z
                }
                switch activation {
                case .sigmoid: for j in a.indices { a[j] = 1 / (1 + exponential(-a[j])) }
                case .tanh: for j in a.indices { a[j] = hyperbolicTangent(a[j]) }
                case .relu: for j in a.indices { a[j] = a[j] > 0 ? a[j] : 0 }
                case .leakyRelu: for j in a.indices { a[j] = a[j] > 0 ? a[j] : 0.01 * a[j] }
                case .identity: break
                case .softmax:
                    let top = a.max() ?? 0
                    for j in a.indices { a[j] = exponential(a[j] - top) }
                    let sum = a.reduce(0, +)
                    for j in a.indices { a[j] /= sum }
                }
                return a
            }

            /// e^x: x = k·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its series, times 2^k.
            static func exponential(_ x: Double) -> Double {
                if x > 709.78 { return .infinity }
                if x < -745.2 { return 0 }
                let k = Double(Int(x * 1.4426950408889634 + (x < 0 ? -0.5 : 0.5)))   // rounded, without libm
                let r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10
                var term = 1.0, sum = 1.0
                for n in 1...17 { term *= r / Double(n); sum += term }
                return Double(sign: .plus, exponent: Int(k), significand: sum)
            }

            /// tanh x = 1 − 2 / (e^2x + 1), by its series near 0 (no cancellation).
            static func hyperbolicTangent(_ x: Double) -> Double {
                if abs(x) < 0.005 { let x2 = x * x; return x * (1 - x2 / 3 * (1 - 2 * x2 / 5 * (1 - 17 * x2 / 42))) }
                if x > 20 { return 1 }
                if x < -20 { return -1 }
                return 1 - 2 / (exponential(2 * x) + 1)
            }

        """
        if usesSine {
            out += """
                /// sin x: x reduced to −π…π, then its series. (Beyond ±1e15 a Double has no
                /// digits left below 2π: 0 there.)
                static func sine(_ x: Double) -> Double {
                    guard abs(x) < 1e15 else { return 0 }
                    let n = Double(Int(x / 6.283185307179586 + (x < 0 ? -0.5 : 0.5)))
                    let r = (x - n * 6.28318530717958623200) - n * 2.44929359829470635445e-16
                    var term = r, sum = r
                    for i in 1...15 { term *= -r * r / Double((2 * i) * (2 * i + 1)); sum += term }
                    return sum
                }

            """
        }
        if let p = model.preprocessing {
            out += "    /// The inputs' scaling, fitted on the training data: x' = (x − offset) / scale.\n"
            out += "    static let offset: [Double] = [\n" + lines(p.offset.map(literal), indent: "        ") + "\n    ]\n"
            out += "    static let scale: [Double] = [\n" + lines(p.scale.map(literal), indent: "        ") + "\n    ]\n"
        }
        var anyText = false
        for (l, layer) in layers.enumerated() {
            out += "\n    /// Layer \(l + 1): W (\(layer.outputs), \(layer.inputs)) row-major, then b.\n"
            for (array, values) in [("weights\(l)", layer.weights), ("biases\(l)", layer.biases)] {
                if values.count <= arrayLiteralLimit {
                    out += "    static let \(array): [Float] = [\n" + lines(values.map(literal), indent: "        ") + "\n    ]\n"
                } else {
                    // The same decimals in a string: swiftc type-checks a 200,000-number array
                    // literal for minutes, and reads this in a second (parsed once, exactly).
                    anyText = true
                    out += "    static let \(array): [Float] = floats(\(values.count), \"\"\"\n"
                        + stride(from: 0, to: values.count, by: 16).map { i in
                            "        " + values[i..<min(i + 16, values.count)].map(literal).joined(separator: " ")
                        }.joined(separator: "\n") + "\n        \"\"\")\n"
                }
            }
        }
        if anyText {
            out += """

                /// The numbers of `text` (decimals separated by spaces and lines), `count` of them.
                static func floats(_ count: Int, _ text: String) -> [Float] {
                    let values = text.split(whereSeparator: { $0 == " " || $0 == "\\n" }).compactMap { Float($0) }
                    precondition(values.count == count, "\\(count) numbers expected, \\(values.count) read")
                    return values
                }

            """
        }
        out += "}\n"
        return out
    }

    /// Arrays longer than this are written as the text of a string literal (see `floats`).
    static let arrayLiteralLimit = 4096

    static func activationCase(_ a: Activation) -> String { a == .leakyRelu ? "leakyRelu" : a.rawValue }

    /// A Swift string literal.
    static func swiftString(_ s: String) -> String {
        "\"" + s.unicodeScalars.map { c -> String in
            switch c {
            case "\"": "\\\""
            case "\\": "\\\\"
            case "\n": "\\n"
            case _ where c.value < 0x20: "\\u{\(String(c.value, radix: 16))}"
            default: String(c)
            }
        }.joined() + "\""
    }
}
