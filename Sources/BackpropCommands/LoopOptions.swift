import ArgumentParser
import Backprop

/// The training loop and the data's splits: batch, epochs, seed, splits, scaling, early
/// stopping, threads. The plan holds the defaults and checks the values.
struct LoopOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Samples per batch (default: \(TrainingPlan.defaults.batch)).")
    var batch: Int?

    @Option(parsing: .unconditional, help: "Passes over the training data (default: \(TrainingPlan.defaults.epochs)); with --resume, the new total.")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "Seed of the weights, the shuffling, the splits and generated data (default: \(TrainingPlan.defaults.seed)).")
    var seed: UInt64?

    @Option(name: .customLong("data-seed"), parsing: .unconditional, help: "Seed of generated data and of the test and validation splits, so that a new --seed changes only the weights and the shuffling (default: --seed).")
    var dataSeed: UInt64?

    @Option(parsing: .unconditional, help: "Fraction of the training data held out to validate each epoch, e.g. 0.1 (default: 0).")
    var validationSplit: Double?

    @Option(parsing: .unconditional, help: "Fraction of --data held out as the test set, e.g. 0.5 (instead of the source's own test split).")
    var testSplit: Double?

    @Option(parsing: .unconditional, help: "Stop after this many epochs without a lower validation loss, and keep the best weights.")
    var patience: Int?

    @Option(help: "Input scaling for CSV and generated data: standardize, minmax or none (default: \(TrainingPlan.defaults.scale.rawValue)).")
    var scale: TrainingPlan.Scale?

    @Option(parsing: .unconditional, help: "Threads for each step's matrix products and updates (default: \(TrainingPlan.defaults.threads)).")
    var threads: Int?

    func apply(to plan: inout TrainingPlan) {
        if let batch { plan.batch = batch }
        if let epochs { plan.epochs = epochs }
        if let seed { plan.seed = seed }
        if let dataSeed { plan.dataSeed = dataSeed }
        if let validationSplit { plan.validationSplit = validationSplit }
        if let testSplit { plan.testSplit = testSplit }
        if let patience { plan.patience = patience }
        if let scale { plan.scale = scale }
        if let threads { plan.threads = threads }
    }
}
