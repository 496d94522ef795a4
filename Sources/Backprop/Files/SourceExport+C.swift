import Foundation

extension SourceExport {
    /// A C99 header and source: `void NAME_predict(const float *input, float *output)`, the
    /// weights as `static const float`, buffers on the stack (no allocation). Builds with
    /// `-std=c99 -Wall -Wextra -Werror -pedantic`; link with `-lm`. The source includes the header
    /// as `headerFile` (`NAME.h` unless the files are named otherwise).
    public static func c<T: Scalar>(model: ModelFile<T>, name: String, source: String = "a model",
                                    headerFile: String? = nil) throws(Failure) -> (header: String, source: String) {
        try check(name: name)
        let headerFile = headerFile ?? "\(name).h"
        guard !headerFile.isEmpty, !headerFile.contains("??"),            // (a trigraph is replaced in #include too)
              headerFile.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }) else {
            throw Failure(description: "the header's name \(headerFile.debugDescription) cannot be written in #include \"…\"; name the files without quotes, backslashes, ?? or control characters")
        }
        let layers = Self.layers(model)
        let upper = name.uppercased(), classes = model.classes ?? []
        var h = "/* " + summary(model, source: source).replacingOccurrences(of: "`", with: "") + "   Export the model again rather than edit this file. */\n"
        h += "#ifndef \(upper)_H\n#define \(upper)_H\n\n"
        h += "/* The raw inputs \(name)_predict takes (as in the training data), and the outputs it writes. */\n"
        h += "#define \(upper)_INPUTS \(rawInputs(model))\n#define \(upper)_OUTPUTS \(layers[layers.count - 1].outputs)\n"
        h += "/* The class of each output (0 classes: a regression). */\n#define \(upper)_CLASSES \(classes.count)\n"
        if !classes.isEmpty { h += "extern const char *const \(name)_class_names[\(upper)_CLASSES];\n" }
        h += "\n/* Raw inputs -> outputs: the input features and scaling, then every layer, a = f(W a_prev + b).\n"
        h += "   input: \(upper)_INPUTS floats; output: \(upper)_OUTPUTS floats. No allocation. */\n"
        h += "void \(name)_predict(const float *input, float *output);\n\n#endif\n"

        let acts = Set(layers.map(\.activation))
        var c = "/* " + summary(model, source: source).replacingOccurrences(of: "`", with: "") + "   Export the model again rather than edit this file. */\n"
        c += "#include \"\(headerFile)\"\n#include <math.h>\n\n"
        if !classes.isEmpty {
            c += "const char *const \(name)_class_names[\(upper)_CLASSES] = {" + classes.map(cString).joined(separator: ", ") + "};\n\n"
        }
        if let p = model.preprocessing {
            c += "/* The inputs' scaling, fitted on the training data: x' = (x - offset) / scale. */\n"
            c += "static const double \(name)_offset[\(p.offset.count)] = {\n" + lines(p.offset.map(literal), indent: "    ") + "\n};\n"
            c += "static const double \(name)_scale[\(p.scale.count)] = {\n" + lines(p.scale.map(literal), indent: "    ") + "\n};\n\n"
        }
        for (l, layer) in layers.enumerated() {
            c += "/* Layer \(l + 1): W (\(layer.outputs), \(layer.inputs)) row-major, then b. */\n"
            c += "static const float \(name)_w\(l)[\(layer.outputs * layer.inputs)] = {\n" + lines(layer.weights.map { literal($0) + "f" }, indent: "    ") + "\n};\n"
            c += "static const float \(name)_b\(l)[\(layer.outputs)] = {\n" + lines(layer.biases.map { literal($0) + "f" }, indent: "    ") + "\n};\n\n"
        }
        c += "/* z = W x + b for one layer. */\n"
        c += "static void \(name)_affine(const double *x, int inputs, const float *w, const float *b, double *z, int outputs) {\n"
        c += "    int j, k;\n    for (j = 0; j < outputs; j++) {\n        double s = (double)b[j];\n"
        c += "        for (k = 0; k < inputs; k++) s += (double)w[j * inputs + k] * x[k];\n        z[j] = s;\n    }\n}\n\n"
        if acts.contains(.softmax) {
            c += "/* softmax, shifted by the largest z so that nothing overflows. */\n"
            c += "static void \(name)_softmax(double *a, int n) {\n    int j;\n    double top = a[0], sum = 0.0;\n"
            c += "    for (j = 1; j < n; j++) if (a[j] > top) top = a[j];\n"
            c += "    for (j = 0; j < n; j++) { a[j] = exp(a[j] - top); sum += a[j]; }\n    for (j = 0; j < n; j++) a[j] /= sum;\n}\n\n"
        }
        c += "void \(name)_predict(const float *input, float *output) {\n"
        let widths = [layers[0].inputs] + layers.map(\.outputs)
        c += "    double a0[\(widths[0])];\n"
        for l in layers.indices { c += "    double a\(l + 1)[\(widths[l + 1])];\n" }
        c += "    int i;\n"
        if let features = model.features {
            for (i, f) in features.enumerated() { c += "    a0[\(i)] = " + feature(f, x: "(double)input", sine: "sin") + ";\n" }
        } else {
            c += "    for (i = 0; i < \(widths[0]); i++) a0[i] = (double)input[i];\n"
        }
        if model.preprocessing != nil {
            c += "    for (i = 0; i < \(widths[0]); i++) a0[i] = (a0[i] - \(name)_offset[i]) * (1.0 / \(name)_scale[i]);\n"
        }
        for (l, layer) in layers.enumerated() {
            let n = layer.outputs, a = "a\(l + 1)"
            c += "    \(name)_affine(a\(l), \(layer.inputs), \(name)_w\(l), \(name)_b\(l), \(a), \(n));\n"
            switch layer.activation {
            case .sigmoid: c += "    for (i = 0; i < \(n); i++) \(a)[i] = 1.0 / (1.0 + exp(-\(a)[i]));\n"
            case .tanh: c += "    for (i = 0; i < \(n); i++) \(a)[i] = tanh(\(a)[i]);\n"
            case .relu: c += "    for (i = 0; i < \(n); i++) \(a)[i] = \(a)[i] > 0.0 ? \(a)[i] : 0.0;\n"
            case .leakyRelu: c += "    for (i = 0; i < \(n); i++) \(a)[i] = \(a)[i] > 0.0 ? \(a)[i] : 0.01 * \(a)[i];\n"
            case .identity: break
            case .softmax: c += "    \(name)_softmax(\(a), \(n));\n"
            }
        }
        c += "    for (i = 0; i < \(widths[widths.count - 1]); i++) output[i] = (float)a\(layers.count)[i];\n}\n"
        return (h, c)
    }

    /// A C string literal (non-ASCII bytes as octal escapes, so any compiler reads it; `?` as
    /// `\?`, so that no `??!` becomes a trigraph, which C99 replaces even inside strings).
    static func cString(_ s: String) -> String {
        "\"" + s.utf8.map { b -> String in
            switch b {
            case UInt8(ascii: "\""): "\\\""
            case UInt8(ascii: "\\"): "\\\\"
            case UInt8(ascii: "?"): "\\?"
            case 0x20..<0x7f: String(UnicodeScalar(b))
            default: "\\" + String(b, radix: 8).leftPadded(3)
            }
        }.joined() + "\""
    }
}

extension String {
    /// Zero-padded on the left to `width` characters.
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
