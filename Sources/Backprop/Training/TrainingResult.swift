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
}
