import ArgumentParser
import Backprop
import Foundation

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a saved model on a data set: loss, accuracy and a confusion matrix.",
        discussion: """
            The model's own preprocessing (saved by `backprop train`) is applied to the data. For \
            a source with a test split (fashion-mnist, IDX folders with t10k files, generated sets) \
            the test split is measured unless --split train is given; a CSV file is measured whole.

            Examples:
              backprop evaluate --model fmnist.json --data fashion-mnist
              backprop evaluate --model iris.json --data examples/iris.csv --json
            """
    )

    @Option(help: "The model file (.json or .safetensors).")
    var model: String

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Which part of the source: test (its test split, when it has one) or train.")
    var split: Split = .test

    @Option(parsing: .unconditional, help: "Seed of a generated data set (the one used to train, to measure the same points).")
    var seed: UInt64 = 1

    @OptionGroup var output: OutputOptions

    enum Split: String, ExpressibleByArgument, CaseIterable { case test, train }

    func validate() throws {
        _ = try dataOptions.plan(seed: seed)
        if dataOptions.test != nil { throw ValidationError("evaluate measures --data (its test split, or with --split train its training part); give a test file as --data") }
    }

    func run() throws {
        for note in try dataOptions.plan(seed: seed).ineffective { writeToStandardError("backprop: warning: \(note)\n") }
        let file = try readModel(model, as: Float.self)
        var data = try load(for: file)
        data.x = file.prepared(data.x)
        let result = Evaluation(network: file.network, data: data)
        guard result.loss.isFinite else {
            throw InputError("\(model) gives a non-finite loss on \(dataOptions.data ?? "the data") (its outputs, or their distance from the targets, overflow): its weights or the data are out of range")
        }
        let names = file.classes ?? data.classNames ?? []
        if output.json { printJSON(json(result, names)) } else { printText(result, names, file) }
    }

    /// The part of --data to measure, checked against the model.
    private func load(for file: ModelFile<Float>) throws -> Dataset<Float> {
        var data: Dataset<Float>
        var source = try dataOptions.source(seed: seed)
        if case .idx(let folder, nil) = source, let classes = file.classes {     // the model's classes, as for a CSV
            source = .idx(folder: folder, classNames: classes)
        }
        switch source {
        case .csv(let path, var options):
            if file.classes == nil { options.task = .regression }        // the task is the model's, not a guess
            else if dataOptions.task == .regression {                     // a setting that would do nothing is said
                writeToStandardError("backprop: warning: --task regression does nothing here: \(model) is a classifier, so the labels are read as its classes\n")
            }
            do { data = try DataSource.csvFile(path, options: options, classNames: file.classes) } catch { throw InputError("\(error)") }
        case let source:
            let loaded: (train: Dataset<Float>, test: Dataset<Float>?, fixedScale: Preprocessing?)
            do { loaded = try source.load(as: Float.self, testSplit: split == .test) } catch { throw InputError("\(error)") }
            data = split == .test ? loaded.test ?? loaded.train : loaded.train
        }
        if file.network.outputSize == 1 { data = data.asOneOutput() }       // two classes, one sigmoid output
        // No accuracy made up from numbers: a model with no class names whose outputs are not
        // probabilities (no sigmoid, no softmax) predicts numbers; one with class names, classes.
        let name = dataOptions.data ?? "the data"
        let predictsNumbers = file.classes == nil && ![.sigmoid, .softmax].contains(file.network.layers.last?.activation)
        if predictsNumbers && data.isClassification {
            throw InputError("\(model) predicts numbers (regression) and \(name) has classes: evaluate it on data with numeric targets")
        }
        if file.classes != nil && !data.isClassification {
            throw InputError("\(model) predicts classes and \(name) has numeric targets: evaluate it on data with classes")
        }
        guard data.features == file.inputSize && data.outputs == file.network.outputSize else {
            throw InputError("\(model) is \(shapeName(file.network.sizes))\(file.features.map { " over the features \($0.map(\.rawValue).joined(separator: ",")) of 2 raw inputs" } ?? ""); the data has \(data.features) features and \(data.outputs) outputs")
        }
        return data
    }

    private func json(_ result: Evaluation, _ names: [String]) -> JSON {
        .object([
            ("model", .string(model)), ("samples", .number(result.count)),
            ("loss", .number(result.loss)),
            ("accuracy", result.accuracy.map { .number($0) } ?? .null),
            ("classes", .array(names.map { .string($0) })),
            ("confusion", result.confusion.map { .array($0.map { .array($0.map { JSON.number($0) }) }) } ?? .null),
        ])
    }

    private func printText(_ result: Evaluation, _ names: [String], _ file: ModelFile<Float>) {
        print("\(model) (\(shapeName(file.network.sizes))) on \(plural(result.count, "sample")): loss \(fmt(result.loss, 6))"
              + (result.accuracy.map { String(format: ", accuracy %.4f", $0) } ?? ""))
        guard let confusion = result.confusion else { return }
        print("\nconfusion matrix (rows: true class, columns: predicted):")
        let labels = confusion.indices.map { $0 < names.count ? names[$0] : String($0) }
        let width = max(6, (confusion.flatMap { $0 }.map { String($0).count }.max() ?? 1) + 1)
        let nameWidth = min(14, labels.map(\.count).max() ?? 5)
        print(String(repeating: " ", count: nameWidth) + confusion.indices.map { pad(String($0), width) }.joined() + "   recall")
        for (t, row) in confusion.enumerated() {
            let total = row.reduce(0, +)
            let recall = total > 0 ? String(format: "%.3f", Double(row[t]) / Double(total)) : "-"
            print(padRight(String(labels[t].prefix(nameWidth)), nameWidth) + row.map { pad(String($0), width) }.joined() + "   \(recall)")
        }
        if names.count == confusion.count {
            print("\nclasses: " + labels.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", "))
        }
    }
}
