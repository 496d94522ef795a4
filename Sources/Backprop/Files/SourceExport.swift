/// A trained model as dependency-free source code: one Swift file (`public enum Model` with
/// `predict`), or a C99 header and source (`Model_predict`, no allocation). The input features
/// and the preprocessing are applied as `predict` applies them; every weight is a literal, the
/// shortest decimal that reads back to the same `Float`. The arithmetic is done in `double`, so
/// the outputs agree with ``ModelFile/predict(_:)`` in Double to about 1e-12 (and with Float32
/// prediction to its rounding).
///
/// | language | files | API |
/// |---|---|---|
/// | Swift | `NAME.swift` | `NAME.inputs`, `NAME.outputs`, `NAME.classes`, `NAME.predict(_: [Float]) -> [Float]` |
/// | C | `NAME.h`, `NAME.c` | `NAME_INPUTS`, `NAME_OUTPUTS`, `NAME_CLASSES`, `NAME_class_names`, `void NAME_predict(const float *input, float *output)` |
///
/// The Swift file imports nothing: `exp`, `tanh` and `sin` are written out in it (range
/// reduction and a series, to the last bit of a `Double` or so). The C file uses `<math.h>`.
///
/// ```swift
/// let model = ModelFile(network: Network<Float>.tutorial(seed: 42))
/// let swift = try SourceExport.swift(model: model, name: "XOR")     // "public enum XOR { …"
/// let (header, source) = try SourceExport.c(model: model, name: "xor")
/// ```
public enum SourceExport {
    /// Why a model cannot be exported under a name.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// `name` as an identifier of both languages: letters, digits and `_`, not starting with a
    /// digit, and no keyword; for `swift`, also none of the names the generated Swift uses.
    public static func check(name: String, swift: Bool = false) throws(Failure) {
        let letters = name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" }
        guard !name.isEmpty, letters, !(name.first?.isNumber ?? true), name.count <= 64 else {
            throw Failure(description: "--name \(name): expected an identifier (letters, digits and _, not starting with a digit), e.g. FashionModel")
        }
        let keywords: Set<String> = ["class", "struct", "enum", "func", "let", "var", "if", "else", "for", "while", "return", "import",
                                     "static", "public", "private", "int", "float", "double", "char", "void", "const", "switch", "case",
                                     "default", "do", "break", "continue", "sizeof", "typedef", "union", "extern", "register", "signed",
                                     "unsigned", "short", "long", "auto", "goto", "volatile", "inline", "restrict", "Self", "self",
                                     "Any", "Type", "protocol", "extension", "init", "deinit", "subscript", "operator", "true", "false", "nil", "_"]
        guard !keywords.contains(name) else { throw Failure(description: "--name \(name) is a keyword of Swift or C; choose another") }
        // Names the generated Swift itself uses: an enum of that name would hide them inside it.
        let used: Set<String> = ["Int", "Float", "Double", "String", "precondition", "abs"]
        guard !swift || !used.contains(name) else {
            throw Failure(description: "--name \(name) is a name the generated Swift uses (Int, Float, Double, String, precondition, abs); choose another")
        }
    }

    /// The model's layers as exported: weights (O, I) row-major and biases, as `Float`.
    static func layers<T: Scalar>(_ model: ModelFile<T>) -> [(weights: [Float], biases: [Float], outputs: Int, inputs: Int, activation: Activation)] {
        model.network.layers.map { ($0.weights.storage.map { Float($0) }, $0.biases.map { Float($0) }, $0.outputSize, $0.inputSize, $0.activation) }
    }

    /// The raw inputs a model takes: `x1, x2` for one with input features, else its first layer's.
    static func rawInputs<T: Scalar>(_ model: ModelFile<T>) -> Int {
        model.features == nil ? model.network.layers[0].inputSize : 2
    }

    /// The shortest decimal that reads back to the same Float (`0.15`, `-1.5e-05`, `2.0`).
    static func literal(_ x: Float) -> String { x.description }
    /// The same for Double (the preprocessing's statistics).
    static func literal(_ x: Double) -> String { x.description }

    /// The literal numbers, `perLine` to a line, each line indented.
    static func lines(_ values: [String], indent: String, perLine: Int = 8) -> String {
        stride(from: 0, to: values.count, by: perLine).map { i in
            indent + values[i..<min(i + perLine, values.count)].joined(separator: ", ")
        }.joined(separator: ",\n")
    }

    /// The expression of input feature `f` of the raw inputs `x[0]`, `x[1]` (`sine` names the sine function).
    static func feature(_ f: InputFeature, x: String, sine: String) -> String {
        switch f {
        case .x1: "\(x)[0]"
        case .x2: "\(x)[1]"
        case .x1sq: "\(x)[0] * \(x)[0]"
        case .x2sq: "\(x)[1] * \(x)[1]"
        case .x1x2: "\(x)[0] * \(x)[1]"
        case .sinX1: "\(sine)(\(x)[0])"
        case .sinX2: "\(sine)(\(x)[1])"
        }
    }

    /// A one-line description for the generated files' first comment.
    static func summary<T: Scalar>(_ model: ModelFile<T>, source: String) -> String {
        let sizes = model.network.sizes.map(String.init).joined(separator: "-")
        let acts = model.network.layers.map { $0.activation.rawValue }.joined(separator: "/")
        var parts = ["\(sizes) (\(acts))"]
        if let f = model.features { parts.append("input features \(f.map(\.rawValue).joined(separator: ","))") }
        if let p = model.preprocessing { parts.append("inputs \(p.kind.rawValue)") }
        // The file name goes into a comment: a newline would end a // comment, */ a /* one.
        let name = String(String.UnicodeScalarView(source.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
            .replacingOccurrences(of: "*/", with: "*?")
        return "Generated by `backprop export` from \(name): \(parts.joined(separator: ", ")).\n"
    }
}
