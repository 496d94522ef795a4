import ArgumentParser
import Backprop
import Foundation

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Run a saved model on inputs: from --input, or a CSV of inputs to a CSV of outputs.",
        discussion: """
            Inputs are raw values, as in the training data: the model's saved preprocessing is \
            applied first. For a classifier the output names the most likely class and gives every \
            class's output (the probabilities, after softmax).

            Examples:
              backprop predict --model iris.json --input 5.1,3.5,1.4,0.2
              backprop predict --model iris.json --csv examples/iris-new.csv \\
                  --out predictions.csv
            """
    )

    @Option(help: "The model file (.json or .safetensors).")
    var model: String

    @Option(parsing: .unconditionalSingleValue, help: "One sample's inputs, comma-separated (repeat for more; may start with a minus sign).")
    var input: [String] = []

    @Option(help: "A CSV file of inputs, one sample per row (a header row is recognised and kept out).")
    var csv: String?

    @Option(name: .customLong("out"), help: "Write the output CSV here instead of to stdout.")
    var outPath: String?

    @Flag(help: "Replace the file at --out whatever it holds (without it, only a file of predictions with the same columns is replaced).")
    var overwrite = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard input.isEmpty != (csv == nil) else { throw ValidationError("give either --input (one or more) or --csv") }
        if outPath != nil && csv == nil { throw ValidationError("--out goes with --csv") }
        if outPath != nil && output.json { throw ValidationError("--out writes the predictions as CSV, --json prints them as JSON: give one of them") }
        if overwrite && outPath == nil { throw ValidationError("--overwrite goes with --out") }
        if let outPath { try checkOutputName(outPath, option: "--out", extensions: ["csv", "txt"], kind: "the predictions (CSV)") }
        for i in input { _ = try parseNumbers(i, option: "--input") }
    }

    func run() throws {
        if let outPath { try checkNoCollision(outputs: [("--out", outPath)], inputs: [("--model", model), ("--csv", csv)]) }
        let file = try readModel(model, as: Float.self)
        let inputs = try rows()
        guard !inputs.isEmpty else { throw InputError("\(csv ?? "--input"): no rows of numbers to predict") }
        if let bad = inputs.firstIndex(where: { $0.count != file.inputSize }) {
            throw InputError("\(csv.map { "\($0): row \(bad + 1)" } ?? "--input \(input[bad])") has \(plural(inputs[bad].count, "number")), but \(model) takes \(plural(file.inputSize, "input"))\(file.features == nil ? "" : " (x1, x2: it computes its features from them)")")
        }
        let outputs = file.predict(Matrix(inputs.map { $0.map { Float($0) } }))
        if let r = (0..<outputs.rows).first(where: { r in outputs.row(r).contains { !$0.isFinite } }) {
            throw InputError("\(csv.map { "\($0): row \(r + 1)" } ?? "--input \(input[r])") gives a non-finite output: the inputs are too far from what \(model) was trained on")
        }
        if output.json { printJSONPredictions(inputs, outputs, file) }
        else if csv != nil { try writeCSV(outputs, file) }
        else { printText(inputs, outputs, file) }
    }

    func printJSONPredictions(_ inputs: [[Double]], _ outputs: Matrix<Float>, _ file: ModelFile<Float>) {
        let names = file.classNames(of: outputs)
        printJSON(.object([("predictions", .array(inputs.indices.map { r in
            var members: [(key: String, value: JSON)] = [
                ("input", .array(inputs[r].map { JSON.number($0) })),
                ("output", .array(outputs.row(r).map { JSON.number($0) })),
            ]
            if let name = names?[r] { members.append(("class", .string(name))) }
            return .object(members)
        }))]))
    }

    /// One CSV row per input: the class (for a classifier), then every output.
    func writeCSV(_ outputs: Matrix<Float>, _ file: ModelFile<Float>) throws {
        let (classes, names) = (file.classes, file.classNames(of: outputs))
        let outputNames = classes.map { c in outputs.cols == 1 ? ["p_\(c[c.count - 1])"] : c.map { "p_\($0)" } }
            ?? (outputs.cols == 1 ? ["output"] : (0..<outputs.cols).map { "output_\($0)" })
        var lines = [((classes == nil ? [] : ["class"]) + outputNames).map(csvField).joined(separator: ",")]
        for r in 0..<outputs.rows {
            lines.append(((names.map { [csvField($0[r])] } ?? []) + outputs.row(r).map { "\($0)" }).joined(separator: ","))
        }
        let text = lines.joined(separator: "\n") + "\n"
        guard let outPath else { return print(text, terminator: "") }
        if !overwrite { try checkReplaces(outPath, header: lines[0]) }
        try write(Array(text.utf8), to: outPath)
    }

    /// A file at `path` is replaced only when it holds predictions with these columns (its first
    /// line is `header`, the line this run writes first): a data set or notes named `--out` are
    /// not lost. Only the file's first 64 KB are read: a header is one line.
    func checkReplaces(_ path: String, header: String) throws {
        guard ModelSave.holdsSomething(path) else { return }
        let start = FileHandle(forReadingAtPath: path).flatMap { file in defer { try? file.close() }; return try? file.read(upToCount: 1 << 16) }
        let first = start.flatMap { String(bytes: $0.prefix { $0 != UInt8(ascii: "\n") }, encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .init(charactersIn: "\r")) }
        guard first != header else { return }
        let shown = first.map { "its first line is '\(CSVOptions.excerpt($0))'" } ?? "it cannot be read as text"
        throw InputError("--out \(path) holds something other than predictions with these columns (\(shown)), and would be replaced; name another file, or give --overwrite")
    }

    func printText(_ inputs: [[Double]], _ outputs: Matrix<Float>, _ file: ModelFile<Float>) {
        let names = file.classNames(of: outputs)
        for r in 0..<outputs.rows {
            let values = fmt(outputs.row(r).map { Double($0) }, 6)
            print("\(fmt(inputs[r])) → \(names.map { "\($0[r])  " } ?? "")\(values)")
        }
    }

    /// The input rows from --input or --csv: every value a finite Float (the model computes in
    /// Float), or an error naming it.
    private func rows() throws -> [[Double]] {
        guard let csv else {
            return try input.map { text in
                try parseNumbers(text, option: "--input").map { v in
                    guard Float(v).isFinite else { throw InputError("--input \(text): \(v) is out of range for Float (at most ±\(Float.greatestFiniteMagnitude))") }
                    return v
                }
            }
        }
        let text: String
        do { text = try readText(csv) } catch { throw InputError("\(error)") }
        do { return try numberRows(text, file: csv, as: Float.self).map { $0.map(Double.init) } } catch { throw InputError("\(error)") }
    }

    private func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
