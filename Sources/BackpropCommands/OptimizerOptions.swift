import ArgumentParser
import Backprop

/// The update rule and its learning rate: `--optimizer`, `--lr`, `--momentum`,
/// `--weight-decay` and the schedule. The plan holds the defaults and checks the values.
struct OptimizerOptions: ParsableArguments {
    @Option(help: "Update rule (default: \(TrainingPlan.defaults.optimizer.rawValue)).")
    var optimizer: Optimizer<Float>.Kind?

    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Learning rate η (default: 0.1, or 0.001 for adam).")
    var learningRate: Double?

    @Option(parsing: .unconditional, help: "μ for momentum and nesterov (default: \(TrainingPlan.defaults.momentum)).")
    var momentum: Double?

    @Option(parsing: .unconditional, help: "λ: L2 weight decay (sgd, momentum, nesterov) or decoupled weight decay (adam, i.e. AdamW), on weights only (default: 0).")
    var weightDecay: Double?

    @Option(parsing: .unconditional, help: "λ₁: L1 regularisation on the weights, adding λ₁·sign(W) to dLoss/dW (every optimizer; default: 0).")
    var l1: Double?

    @Option(help: "Learning-rate schedule: constant, step (×--step-factor every --step-every epochs) or cosine (down to --min-lr) (default: constant).")
    var schedule: TrainingPlan.ScheduleKind?

    @Option(parsing: .unconditional, help: "Epochs between learning-rate steps, with --schedule step (default: \(TrainingPlan.defaults.stepEvery)).")
    var stepEvery: Int?

    @Option(parsing: .unconditional, help: "Factor of each learning-rate step, with --schedule step (default: \(TrainingPlan.defaults.stepFactor)).")
    var stepFactor: Double?

    @Option(parsing: .unconditional, help: "Final learning rate of --schedule cosine (default: 0).")
    var minLr: Double?

    func apply(to plan: inout TrainingPlan) {
        if let optimizer { plan.optimizer = optimizer }
        if let learningRate { plan.learningRate = learningRate }
        if let momentum { plan.momentum = momentum }
        if let weightDecay { plan.weightDecay = weightDecay }
        if let l1 { plan.l1 = l1 }
        if let schedule { plan.schedule = schedule }
        if let stepEvery { plan.stepEvery = stepEvery }
        if let stepFactor { plan.stepFactor = stepFactor }
        if let minLr { plan.minLR = minLr }
    }
}
