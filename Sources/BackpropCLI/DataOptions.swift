import ArgumentParser
import Backprop

extension ToySets.Shape: ExpressibleByArgument {}
extension CSVOptions.Header: ExpressibleByArgument {}
extension CSVOptions.Task: ExpressibleByArgument {}
extension Optimizer.Kind: ExpressibleByArgument {}
extension Initializer: ExpressibleByArgument {}

/// `--samples` and `--noise` of a generated 2-D set, shared by every command that takes one.
struct ToySetOptions: ParsableArguments {
    @Option(help: "Points in a generated 2-D set (xor, circles, spiral, gaussians).")
    var samples: Int = 500

    @Option(help: "Noise of a generated 2-D set, 0…1.")
    var noise: Double = 0.1

    func validateToySet() throws {
        guard samples >= 2 else { throw ValidationError("--samples must be at least 2 (got \(samples))") }
        guard noise >= 0 && noise <= 1 else { throw ValidationError("--noise must be between 0 and 1 (got \(noise))") }
    }
}

/// `--data` and how to read it, shared by train and evaluate.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("fashion-mnist, xor, circles, spiral, gaussians, a CSV file, or a folder of MNIST-format IDX files.", valueName: "source"))
    var data: String

    @Option(help: ArgumentHelp("A separate test set: a CSV file, or a folder of IDX files (default: the source's own test split, if it has one).", valueName: "source"))
    var test: String?

    @OptionGroup var toy: ToySetOptions

    @Option(help: ArgumentHelp("CSV: the label column, by 1-based number or header name (default: the last).", valueName: "column"))
    var labelColumn: String?

    @Option(help: "CSV: whether the first row is a header.")
    var header: CSVOptions.Header = .auto

    @Option(help: "CSV: classification (labels become one-hot classes) or regression (auto: classification unless the labels are fractional numbers or many).")
    var task: CSVOptions.Task = .auto

    func validateData() throws { try toy.validateToySet() }

    var csvOptions: CSVOptions {
        var o = CSVOptions()
        o.header = header
        o.task = task
        if let labelColumn {
            if let n = Int(labelColumn) { o.labelColumn = n } else { o.labelName = labelColumn }
        }
        return o
    }

    /// The source named by --data.
    func source(seed: UInt64) throws -> DataSource {
        do { return try DataSource.named(data, csv: csvOptions, toyCount: toy.samples, noise: toy.noise, seed: seed) } catch {
            throw InputError("\(error)")
        }
    }

    /// The training data, the test data (--test, or the source's own split), and the
    /// preprocessing the format implies.
    func load(seed: UInt64, testSplit: Bool = true) throws -> (source: DataSource, train: Dataset<Float>, test: Dataset<Float>?, fixedScale: Preprocessing?) {
        let source = try source(seed: seed)
        do {
            var (train, test, fixed) = try source.load(as: Float.self, testSplit: testSplit && self.test == nil)
            if let path = self.test {
                switch try DataSource.named(path, csv: csvOptions) {
                case .csv(let p, let options): test = try DataSource.csvFile(p, options: options, classNames: train.classNames)
                case let other: test = try other.load(as: Float.self, testSplit: false).train
                }
                guard test!.features == train.features && test!.outputs == train.outputs else {
                    throw InputError("--test \(path) has \(test!.features) features and \(test!.outputs) outputs; the training data has \(train.features) and \(train.outputs)")
                }
            }
            return (source, train, test, fixed)
        } catch let error as DataError {
            throw InputError("\(error)")
        }
    }
}
