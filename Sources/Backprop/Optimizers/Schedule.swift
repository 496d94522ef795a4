import RealModule

/// How the learning rate changes from epoch to epoch (`e` = 0, 1, …, `E − 1`).
///
/// | schedule                    | `η_e`                                                |
/// |-----------------------------|------------------------------------------------------|
/// | `constant`                  | `η`                                                  |
/// | `step(every: N, factor: γ)` | `η · γ^⌊e / N⌋`                                      |
/// | `cosine(minimum: η_min)`    | `η_min + ½ (η − η_min)(1 + cos(π e / E))`            |
///
/// ```swift
/// LearningRateSchedule.step(every: 10, factor: 0.1).rate(base: 0.1, epoch: 25, epochs: 30)  // 0.001
/// ```
public enum LearningRateSchedule: Equatable, Sendable {
    case constant
    case step(every: Int, factor: Double)
    case cosine(minimum: Double)

    /// The learning rate for epoch `epoch` (0-based) of `epochs`.
    public func rate(base: Double, epoch: Int, epochs: Int) -> Double {
        switch self {
        case .constant:
            return base
        case let .step(every, factor):
            return base * Double.pow(factor, Double(epoch / max(every, 1)))
        case let .cosine(minimum):
            return minimum + 0.5 * (base - minimum) * (1 + Double.cos(Double.pi * Double(epoch) / Double(max(epochs, 1))))
        }
    }

    /// A short description for reports: `constant`, `step(every 10 epochs, ×0.1)`, `cosine(to 0.0)`.
    public var name: String {
        switch self {
        case .constant: return "constant"
        case let .step(every, factor): return "step(every \(plural(every, "epoch")), ×\(factor))"
        case let .cosine(minimum): return "cosine(to \(minimum))"
        }
    }
}
