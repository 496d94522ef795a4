/// The outcome of `fit`.
public struct TrainingResult: Sendable {
    public var epochs: [EpochMetrics]
    /// The epoch whose weights the network ends with (the best one after early stopping).
    public var bestEpoch: Int
    public var stoppedEarly: Bool
    /// Whether the observer stopped the run.
    public var interrupted: Bool
    /// Wall time of all training loops.
    public var trainSeconds: Double
    /// Set when a loss or parameter became NaN or infinite; training stopped there.
    public var divergence: Divergence?

    public init(epochs: [EpochMetrics], bestEpoch: Int, stoppedEarly: Bool = false, interrupted: Bool = false,
                trainSeconds: Double = 0, divergence: Divergence? = nil) {
        (self.epochs, self.bestEpoch, self.stoppedEarly, self.interrupted) = (epochs, bestEpoch, stoppedEarly, interrupted)
        (self.trainSeconds, self.divergence) = (trainSeconds, divergence)
    }
}
