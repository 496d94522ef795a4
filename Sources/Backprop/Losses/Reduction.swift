/// How the per-sample losses of a batch combine.
///
/// - `sum`: `Loss = Σ_samples loss` — the tutorial's choice (its gradient has no `1/N`).
/// - `mean`: `Loss = (1/B) Σ_samples loss`, so `dLoss/da` is divided by the batch size `B`.
public enum Reduction: String, CaseIterable, Sendable {
    case sum
    case mean
}
