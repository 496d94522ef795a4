/// Settings of a mini-batch training run.
public struct TrainingConfiguration: Sendable {
    /// Number of passes over the training data.
    public var epochs: Int
    /// Samples per step; the last batch of an epoch may be smaller.
    public var batchSize: Int
    /// Shuffle the samples before every epoch (from `seed`).
    public var shuffle = true
    /// Seed of the shuffling.
    public var seed: UInt64
    /// How the learning rate changes from epoch to epoch, from `learningRate`.
    public var schedule: LearningRateSchedule = .constant
    /// The initial learning rate η of the schedule; nil: the optimizer's (as `T`, e.g. Float).
    public var learningRate: Double? = nil
    /// Epochs already done (resuming from a checkpoint): training starts at this epoch, with the
    /// shuffles of the earlier epochs replayed, so the run continues exactly as if never stopped.
    public var startEpoch = 0
    /// Early stopping: stop after this many epochs without a lower validation loss (training
    /// loss when there is no validation set), and restore the best weights. nil: never stop early.
    public var patience: Int? = nil
    /// Dropout on the hidden layers in training steps (``Dropout``), and the seed of its masks.
    public var dropout = 0.0, dropoutSeed: UInt64 = 0
    /// Threads for each step's products and update (``Parallel``); the results do not depend on it.
    public var threads = 1

    public init(epochs: Int, batchSize: Int, seed: UInt64) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
    }
}
