import Foundation

/// Every setting of a training run, checked in one place (``validate()``), with every default
/// decided here and nowhere else.
///
/// The command line (`backprop train`'s options) and the playground (its page's settings) both
/// build a plan; a ``TrainingRun`` carries it out. A plan is `Codable`: the model file's
/// `training` section and every checkpoint hold it, so `backprop train --resume ck.json`
/// continues a run with no other option.
///
/// | group         | settings (the `backprop train` option of each is its ``Setting``)               |
/// |---------------|----------------------------------------------------------------------------------|
/// | data          | `data`, `test`, `samples`, `noise`, `dataSeed`, `labelColumn`, `header`, `task`, `delimiter`, `missing`, `testSplit`, `validationSplit`, `features`, `scale` |
/// | network       | `layers`, `activations`, `output`, `loss`, `reduction`, `initializer`, `dropout` |
/// | optimizer     | `optimizer`, `learningRate`, `momentum`, `weightDecay`, `l1`, `schedule`, `stepEvery`, `stepFactor`, `minLR` |
/// | loop          | `batch`, `epochs`, `seed`, `patience`, `threads`                                 |
///
/// Defaults that depend on the data (the layer sizes, the output activation, the loss) are
/// resolved by ``resolvedNetwork(features:outputs:classification:)``:
///
/// | setting left out | default                                                                   |
/// |------------------|----------------------------------------------------------------------------|
/// | `layers`         | `inputs,32,outputs`                                                       |
/// | `output`         | softmax for classes, sigmoid for one class output, identity for regression |
/// | `loss`           | softmax-cross-entropy after softmax, binary-cross-entropy after sigmoid on classes, else squared-error |
/// | `learningRate`   | 0.001 for adam, else 0.1                                                  |
/// | `initializer`    | He for ReLU layers, Xavier otherwise                                       |
///
/// ```swift
/// var plan = TrainingPlan(data: "spiral")
/// plan.layers = [2, 16, 16, 2]
/// plan.activations = [.tanh]
/// plan.optimizer = .adam
/// try plan.validate()
/// var run = try TrainingRun<Float>(plan: plan)
/// let result = run.run()
/// ```
public struct TrainingPlan: Codable, Sendable, Equatable {
    // MARK: data
    /// `fashion-mnist`, a generated set (`xor`, `circles`, `spiral`, `gaussians`), a CSV file or
    /// a folder of IDX files (``DataSource``).
    public var data: String
    /// A separate test set (a CSV file or an IDX folder); nil: the source's own test split.
    public var test: String? = nil
    /// Points and noise of a generated set.
    public var samples = ToySets.defaultCount
    public var noise = ToySets.defaultNoise
    /// The seed of the data: a generated set's points and the test and validation splits; nil:
    /// `seed`. With its own seed, new weights (`seed`) keep the same data and splits.
    public var dataSeed: UInt64? = nil
    /// CSV: the label column (1-based number or header name; nil: the last), header, task.
    public var labelColumn: String? = nil
    public var header: CSVOptions.Header = .auto
    public var task: CSVOptions.Task = .auto
    /// CSV: the field separator (nil: detected from the first row) and what to do with empty fields.
    public var delimiter: Delimiter? = nil
    public var missing: CSVOptions.Missing = .error
    /// The fraction of `data` held out as the test set (instead of the source's own split).
    public var testSplit: Double? = nil
    /// The fraction of the training data held out to validate each epoch.
    public var validationSplit = 0.0
    /// Input features computed from 2-D data's raw `x1`, `x2` before scaling (``InputFeature``);
    /// nil: the data's columns as they are.
    public var features: [InputFeature]? = nil
    /// Input scaling fitted on the training part (images always use bytes / 255).
    public var scale: Scale = .standardize

    // MARK: network
    /// Layer sizes from inputs to outputs; nil: `inputs,32,outputs`.
    public var layers: [Int]? = nil
    /// One activation for every hidden layer, or one per hidden layer.
    public var activations: [Activation] = [.relu]
    /// nil: chosen from the data (see the table above).
    public var output: Activation? = nil
    /// nil: chosen from the output (see the table above).
    public var loss: Loss? = nil
    public var reduction: Reduction = .mean
    /// nil: `Initializer.standard(for:)` per layer.
    public var initializer: Initializer? = nil
    /// Dropout `p` on every hidden layer in training steps (``Dropout``); 0: none.
    public var dropout = 0.0

    // MARK: optimizer
    public var optimizer: Optimizer<Float>.Kind = .sgd
    /// η; nil: 0.001 for adam, else 0.1.
    public var learningRate: Double? = nil
    /// μ for momentum and nesterov.
    public var momentum = 0.9
    /// λ: L2 (sgd, momentum, nesterov) or decoupled (adam) weight decay, on weights only.
    public var weightDecay = 0.0
    /// λ₁: L1 regularisation on the weights, `g ← g + λ₁ sign(W)` (every optimizer).
    public var l1 = 0.0
    public var schedule: ScheduleKind = .constant
    /// `step`: the rate is multiplied by `stepFactor` every `stepEvery` epochs.
    public var stepEvery = 10
    public var stepFactor = 0.1
    /// `cosine`: the final learning rate.
    public var minLR = 0.0

    // MARK: loop
    public var batch = 64
    /// Passes over the training data (the total, counting epochs a checkpoint already did).
    public var epochs = 10
    /// The seed of the run; ``TrainingSeeds`` derives the weights', shuffles' and (without
    /// `dataSeed`) the data's and splits' seeds.
    public var seed = ToySets.defaultSeed
    /// Early stopping after this many epochs without a lower validation loss; nil: never.
    public var patience: Int? = nil
    /// Threads for each step's matrix products and updates (``Parallel``); results depend on it in the last bits only.
    public var threads = 1

    /// A CSV field separator.
    public enum Delimiter: String, Codable, CaseIterable, Sendable {
        case comma, semicolon, tab
        public var byte: UInt8 { self == .comma ? UInt8(ascii: ",") : self == .semicolon ? UInt8(ascii: ";") : UInt8(ascii: "\t") }
    }
    /// Input scaling.
    public enum Scale: String, Codable, CaseIterable, Sendable { case standardize, minmax, none }
    /// The learning-rate schedule's kind (its numbers are `stepEvery`, `stepFactor`, `minLR`).
    public enum ScheduleKind: String, Codable, CaseIterable, Sendable { case constant, step, cosine }

    /// A plan with every default, training on `data`.
    public init(data: String) { self.data = data }

    // MARK: limits

    /// The largest numbers a plan accepts: past them a run could not be held in memory, or
    /// would not end.
    public enum Limits {
        public static let parameters = 1_000_000_000
        public static let samples = 10_000_000
        public static let batch = 1_000_000
        public static let epochs = 100_000_000
        public static let threads = 256
        public static let layers = 1_000
    }

    // MARK: resolved defaults

    /// η: `learningRate`, or the optimizer's default.
    public var effectiveLearningRate: Double { learningRate ?? (optimizer == .adam ? 0.001 : 0.1) }

    /// The learning-rate schedule.
    public var learningRateSchedule: LearningRateSchedule {
        switch schedule {
        case .constant: .constant
        case .step: .step(every: stepEvery, factor: stepFactor)
        case .cosine: .cosine(minimum: minLR)
        }
    }

    /// The output activation for data with `outputs` columns.
    public func resolvedOutput(outputs: Int, classification: Bool) -> Activation {
        output ?? (classification ? (outputs == 1 ? .sigmoid : .softmax) : .identity)
    }

    /// The loss: `loss`, or the one rule for its default (``Loss/standard(for:classification:)``):
    /// softmax-cross-entropy after softmax, binary-cross-entropy after sigmoid on classes,
    /// squared error otherwise.
    public func resolvedLoss(output: Activation, classification: Bool) -> Loss {
        loss ?? Loss.standard(for: output, classification: classification)
    }

    /// The network's shape for data of `features` inputs and `outputs` columns: sizes, one
    /// activation per layer, and the loss. Throws when the plan does not fit the data.
    public func resolvedNetwork(features: Int, outputs: Int, classification: Bool) throws(PlanError)
        -> (sizes: [Int], activations: [Activation], loss: Loss) {
        let sizes = layers ?? [features, 32, outputs]
        guard sizes.first == features && sizes.last == outputs else {
            // Two classes are 2 outputs, or 1 (one sigmoid output) when --layers ends in 1.
            let binary = classification && outputs <= 2
            let what = classification ? "\(binary ? 2 : outputs) classes" : "\(plural(outputs, "target column"))"
            let end = binary ? "2 (or 1: one sigmoid output for the two classes)" : "\(outputs)"
            throw PlanError(.layers, "\(shapeName(sizes)) does not fit the data: it has \(plural(features, "feature")) and \(what), so --layers must start with \(features) and end with \(end) (e.g. \(features),32,\(outputs))")
        }
        let hidden = activations.count == 1 ? Array(repeating: activations[0], count: sizes.count - 2) : activations
        guard hidden.count == sizes.count - 2 else { throw Self.activationCount(activations.count, sizes.count - 2) }
        let out = resolvedOutput(outputs: outputs, classification: classification)
        let loss = resolvedLoss(output: out, classification: classification)
        if let problem = loss.problem(outputActivation: out, outputs: outputs) {
            throw self.loss == nil ? PlanError(.output, "\(out.rawValue) (with its default loss): \(problem)") : PlanError(.loss, problem)
        }
        return (sizes, hidden + [out], loss)
    }

    /// Weights and biases of a fully connected network of `sizes`, `Σ (in + 1) · out` (in Double,
    /// so that absurd sizes do not overflow): what the limits, the memory estimate and gradcheck count.
    public static func parameters(sizes: [Int]) -> Double {
        zip(sizes, sizes.dropFirst()).reduce(0.0) { $0 + (Double($1.0) + 1) * Double($1.1) }   // (+ 1 in Double: Int.max)
    }

    /// Multiply-adds of one sample's forward pass through `sizes`, `Σ in · out`.
    public static func multiplyAdds(sizes: [Int]) -> Double {
        zip(sizes, sizes.dropFirst()).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Bytes a run of this network needs, roughly: every parameter with its gradient and the
    /// optimizer's state (one buffer for momentum, two for Adam), per layer the batch's `z`, `a`
    /// and `δ` (the batch is at most the training set), and on more threads than one the other
    /// threads' sums of the first layer (`Network+SplitStep.swift`).
    public func memoryNeeded(sizes: [Int], samples: Int, scalarBytes: Int = 4) -> Double {
        let parameters = Self.parameters(sizes: sizes)
        let state = optimizer == .adam ? 2.0 : optimizer == .sgd ? 0 : 1
        let rows = Double(min(batch, max(samples, 1)))
        let others = Double(max(0, min(threads, Parallel.cores) - 1))
        let buffers = rows * (Double(sizes.reduce(0, +)) * 3 + others * Double(sizes.count > 1 ? sizes[1] : 0))
        return (parameters * (2 + state) + buffers) * Double(scalarBytes)
    }

    /// Throws when ``memoryNeeded(sizes:samples:scalarBytes:)`` is more than half the machine's memory.
    public func checkMemory(sizes: [Int], samples: Int, scalarBytes: Int) throws(PlanError) {
        let needed = memoryNeeded(sizes: sizes, samples: samples, scalarBytes: scalarBytes)
        let available = Double(ProcessInfo.processInfo.physicalMemory) / 2
        guard needed <= available else {
            throw PlanError(layers == nil ? .batch : .layers,
                            "\(layers.map { $0.map(String.init).joined(separator: ",") } ?? String(batch)) needs \(Self.gigabytes(needed)) (weights, gradients, optimizer state and batch buffers); Backprop uses at most half of this machine's memory, \(Self.gigabytes(available))")
        }
    }

    static func gigabytes(_ bytes: Double) -> String {
        bytes >= 1e9 ? "\((bytes / 1e8).rounded(.down) / 10) GB" : "\(Int((bytes / 1e6).rounded())) MB"
    }

    /// The network the plan starts from, drawn from the seed.
    public func network<T: Scalar>(features: Int, outputs: Int, classification: Bool, as: T.Type = T.self) throws(PlanError) -> Network<T> {
        let (sizes, activations, loss) = try resolvedNetwork(features: features, outputs: outputs, classification: classification)
        return Network(activations: activations, sizes: sizes, loss: loss, reduction: reduction,
                       initializer: initializer, seed: seeds.weights)
    }

    /// The optimizer the plan starts from.
    public func makeOptimizer<T: Scalar>(as: T.Type = T.self) -> Optimizer<T> {
        Optimizer<T>(Optimizer<T>.Kind(rawValue: optimizer.rawValue) ?? .sgd, learningRate: T(effectiveLearningRate),
                     momentum: T(momentum), weightDecay: T(weightDecay), l1: T(l1))
    }

    /// The loop's settings: epochs, batch, the shuffles' seed, η and its schedule, patience, threads.
    public var configuration: TrainingConfiguration {
        var c = TrainingConfiguration(epochs: epochs, batchSize: batch, seed: seeds.shuffle)
        c.learningRate = effectiveLearningRate
        c.schedule = learningRateSchedule
        c.patience = patience
        (c.dropout, c.dropoutSeed) = (dropout, seeds.dropout)
        c.threads = threads
        return c
    }

    /// The seeds of the run's weights, shuffles, data and splits.
    public var seeds: TrainingSeeds { TrainingSeeds(seed, data: dataSeed) }

    /// The CSV options of `labelColumn`, `header` and `task`.
    public var csvOptions: CSVOptions {
        var o = CSVOptions()
        o.header = header
        o.task = task
        o.separator = delimiter?.byte
        o.missing = missing
        if let labelColumn {
            if let n = Int(labelColumn) { o.labelColumn = n } else { o.labelName = labelColumn }
        }
        return o
    }

    static func activationCount(_ given: Int, _ hidden: Int) -> PlanError {
        PlanError(.activation, "gives \(given) activations for \(plural(hidden, "hidden layer")) (give one, or one per hidden layer)")
    }
}

/// Why a ``TrainingPlan`` cannot run: the setting (by its `backprop train` option) and the reason.
///
/// ```swift
/// PlanError(.batch, "must be ≥ 1 (got 0)").description   // "--batch must be ≥ 1 (got 0)"
/// ```
public struct PlanError: Error, Equatable, Sendable, CustomStringConvertible {
    public var setting: TrainingPlan.Setting
    /// The reason, without the setting's name: "must be ≥ 1 (got 0)".
    public var reason: String
    public init(_ setting: TrainingPlan.Setting, _ reason: String) {
        self.setting = setting
        self.reason = reason
    }
    /// `--batch must be ≥ 1 (got 0)`.
    public var description: String { "--\(setting.rawValue) \(reason)" }
}

/// A count and its noun: `plural(1, "epoch")` is `"1 epoch"`, `plural(2, "epoch")` `"2 epochs"`.
public func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

extension Activation: Codable {}
extension Loss: Codable {}
extension Reduction: Codable {}
extension Initializer: Codable {}
extension Optimizer.Kind: Codable {}
extension CSVOptions.Header: Codable {}
extension CSVOptions.Task: Codable {}
extension CSVOptions.Missing: Codable {}
