/// What the training loop tells its observer. The core never prints; the CLI (or a plot, or a
/// browser view) observes these and returns `false` to stop training after the current batch.
public enum TrainingEvent: Sendable {
    /// After every batch: 1-based epoch and batch, the batch's mean loss per sample.
    case batch(epoch: Int, batch: Int, of: Int, loss: Double)
    /// After every epoch, with its metrics.
    case epoch(EpochMetrics)
}
