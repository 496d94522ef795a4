import RealModule

/// A loss `Loss(a, y)` between the network's output `a = a^L` and the target `y`, element by
/// element, with its gradient `dLoss/da` beside it.
///
/// | name                   | value per output                    | `dLoss/da`                |
/// |------------------------|-------------------------------------|---------------------------|
/// | `squared-error`        | `½ (a − y)²`                        | `a − y`                   |
/// | `binary-cross-entropy` | `−[y ln a + (1 − y) ln(1 − a)]`     | `(a − y) / (a (1 − a))`   |
///
/// Binary cross-entropy needs `0 < a < 1` (a sigmoid output); `a` is clamped to
/// `[ε, 1 − ε]` with `ε = T.ulpOfOne` so a saturated output gives a large finite loss, not ∞.
/// With a sigmoid output its gradient times `σ'(z) = a(1 − a)` gives `δ = a − y`.
///
/// ```swift
/// Loss.squaredError.value(a: 0.75, y: 1.0)       // 0.03125
/// Loss.squaredError.gradient(a: 0.75, y: 1.0)    // -0.25
/// ```
public enum Loss: String, CaseIterable, Sendable {
    case squaredError = "squared-error"
    case binaryCrossEntropy = "binary-cross-entropy"

    /// The loss of one output.
    @inlinable
    public func value<T: Scalar>(a: T, y: T) -> T {
        switch self {
        case .squaredError:
            let d = a - y
            return d * d / 2
        case .binaryCrossEntropy:
            let p = Loss.clamp(a)
            return -(y * T.log(p) + (1 - y) * T.log(1 - p))
        }
    }

    /// `dLoss/da` of one output.
    @inlinable
    public func gradient<T: Scalar>(a: T, y: T) -> T {
        switch self {
        case .squaredError:
            return a - y
        case .binaryCrossEntropy:
            let p = Loss.clamp(a)
            return (p - y) / (p * (1 - p))
        }
    }

    @inlinable
    static func clamp<T: Scalar>(_ a: T) -> T { min(max(a, T.ulpOfOne), 1 - T.ulpOfOne) }

    /// Whether this loss needs outputs strictly between 0 and 1 (so a sigmoid output layer).
    public var needsProbabilities: Bool { self == .binaryCrossEntropy }
}

/// How the per-sample losses of a batch combine.
///
/// - `sum`: `Loss = Σ_samples Σ_outputs loss` — the tutorial's choice (its gradient has no `1/N`).
/// - `mean`: `Loss = (1/B) Σ_samples Σ_outputs loss`, so `dLoss/da` is divided by the batch size `B`.
public enum Reduction: String, CaseIterable, Sendable {
    case sum
    case mean
}
