/// What one epoch measured.
public struct EpochMetrics: Sendable {
    /// 1-based.
    public var epoch: Int
    public var learningRate: Double
    /// Mean training loss per sample over the epoch's batches (each before its update).
    public var loss: Double
    /// Training accuracy over the epoch's batches (classification only).
    public var accuracy: Double?
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    /// Wall time of the epoch's training loop (not the validation pass).
    public var seconds: Double
    /// Whether this epoch is the best so far (lowest monitored loss).
    public var isBest: Bool
}
