import ArgumentParser
import Backprop

extension ToySets.Shape: ExpressibleByArgument {}
extension CSVOptions.Header: ExpressibleByArgument {}
extension CSVOptions.Task: ExpressibleByArgument {}
extension Optimizer.Kind: ExpressibleByArgument {}
extension Initializer: ExpressibleByArgument {}
extension TrainingPlan.Scale: ExpressibleByArgument {}
extension TrainingPlan.Delimiter: ExpressibleByArgument {}
extension CSVOptions.Missing: ExpressibleByArgument {}
extension TrainingPlan.ScheduleKind: ExpressibleByArgument {}

extension TrainingPlan {
    /// Every default, for the options' help texts (the plan decides them; the options only say so).
    static let defaults = TrainingPlan(data: "")
}

extension PlanError {
    /// The plan's complaint as a usage error (exit 64), naming the option.
    var usage: ValidationError { ValidationError(description) }
}

/// `--samples` and `--noise` of a generated 2-D set, shared by every command that takes one.
struct ToySetOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Points in a generated 2-D set (xor, circles, spiral, gaussians, plane, multi-gaussian; default: \(TrainingPlan.defaults.samples)).")
    var samples: Int?

    @Option(parsing: .unconditional, help: "Noise of a generated 2-D set, 0…1 (default: \(TrainingPlan.defaults.noise)).")
    var noise: Double?

    func apply(to plan: inout TrainingPlan) {
        if let samples { plan.samples = samples }
        if let noise { plan.noise = noise }
    }
}

/// `--data` and how to read it, shared by train and evaluate.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("fashion-mnist, xor, circles, spiral, gaussians, plane, multi-gaussian (regression), a CSV file, or a folder of MNIST-format IDX files.", valueName: "source"))
    var data: String?

    @Option(help: ArgumentHelp("A separate test set: a CSV file, or a folder of IDX files (default: the source's own test split, if it has one).", valueName: "source"))
    var test: String?

    @OptionGroup var toy: ToySetOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("CSV: the label column, by 1-based number or header name (default: the last).", valueName: "column"))
    var labelColumn: String?

    @Option(help: "CSV: whether the first row is a header (default: auto).")
    var header: CSVOptions.Header?

    @Option(help: "CSV: classification (labels become one-hot classes) or regression (default: auto, classification unless the labels are fractional numbers or many).")
    var task: CSVOptions.Task?

    @Option(help: "CSV: the field separator, comma, semicolon or tab (default: detected from the first row; with semicolon, a decimal comma is read too).")
    var delimiter: TrainingPlan.Delimiter?

    @Option(help: "CSV: a row with an empty field is an error (error, the default) or left out (drop).")
    var missing: CSVOptions.Missing?

    /// The options given, over `plan`.
    func apply(to plan: inout TrainingPlan) {
        if let data { plan.data = data }
        if let test { plan.test = test }
        toy.apply(to: &plan)
        if let labelColumn { plan.labelColumn = labelColumn }
        if let header { plan.header = header }
        if let task { plan.task = task }
        if let delimiter { plan.delimiter = delimiter }
        if let missing { plan.missing = missing }
    }

    /// A plan of these options alone (for commands that only read data), checked.
    func plan(seed: UInt64) throws -> TrainingPlan {
        guard let data else { throw ValidationError("Missing expected argument '--data <source>'") }
        var plan = TrainingPlan(data: data)
        apply(to: &plan)
        plan.seed = seed
        do { try plan.validate() } catch { throw error.usage }
        return plan
    }

    /// The source named by --data.
    func source(seed: UInt64) throws -> DataSource {
        let plan = try plan(seed: seed)
        do { return try plan.dataSource() } catch { throw InputError("\(error)") }
    }
}
