import Foundation
import RealModule

/// A loss `Loss(a, y)` between the network's output `a = a^L` and the target `y`, with its
/// gradient `dLoss/da` beside it.
///
/// | name                    | value per sample                    | `dLoss/da`              | output layer |
/// |-------------------------|-------------------------------------|-------------------------|--------------|
/// | `squared-error`         | `Σ_i ½ (a_i − y_i)²`                | `a − y`                 | any          |
/// | `binary-cross-entropy`  | `−Σ_i [y_i ln a_i + (1 − y_i) ln(1 − a_i)]` | `(a − y) / (a (1 − a))` | sigmoid |
/// | `softmax-cross-entropy` | `−Σ_i y_i ln a_i`                   | `−y / a`                | softmax      |
///
/// The two cross-entropies are **fused** with their output activation: the chain rule's product
/// `dLoss/da ⊙ σ'(z)` simplifies to `δ = a − y` (for sigmoid: `(a − y)/(a(1 − a)) · a(1 − a)`;
/// for softmax: the Jacobian-vector product of `−y/a` when `Σ y = 1`), and the network uses that
/// directly (for softmax in general `δ = a·Σy − y`, which is `a − y` for a one-hot or any target
/// summing to 1), computing the loss from the logits `z` so that nothing overflows or divides by zero:
/// ```
/// binary:  max(z, 0) − z·y + ln(1 + e^(−|z|))
/// softmax: Σ_i y_i (lse(z) − z_i),   lse(z) = max z + ln Σ_j e^(z_j − max z)
/// ```
///
/// ```swift
/// Loss.squaredError.value(a: 0.75, y: 1.0)       // 0.03125
/// Loss.squaredError.gradient(a: 0.75, y: 1.0)    // -0.25
/// ```
public enum Loss: String, CaseIterable, Sendable {
    case squaredError = "squared-error"
    case binaryCrossEntropy = "binary-cross-entropy"
    case softmaxCrossEntropy = "softmax-cross-entropy"

    /// The loss of one output, from `a` (for display and checks; the network computes the
    /// cross-entropies from `z`, see `fusedValue`). `a` is clamped to `[ε, 1 − ε]`, `ε = T.ulpOfOne`.
    @inlinable
    public func value<T: Scalar>(a: T, y: T) -> T {
        switch self {
        case .squaredError:
            let d = a - y
            return d * d / 2
        case .binaryCrossEntropy:
            let p = Loss.clamp(a)
            return -(y * T.log(p) + (1 - y) * T.log(1 - p))
        case .softmaxCrossEntropy:
            return y == 0 ? 0 : -y * T.log(Loss.clamp(a))
        }
    }

    /// `dLoss/da` of one output (clamped like `value`).
    @inlinable
    public func gradient<T: Scalar>(a: T, y: T) -> T {
        switch self {
        case .squaredError:
            return a - y
        case .binaryCrossEntropy:
            let p = Loss.clamp(a)
            return (p - y) / (p * (1 - p))
        case .softmaxCrossEntropy:
            return -y / Loss.clamp(a)
        }
    }

    @inlinable
    static func clamp<T: Scalar>(_ a: T) -> T { min(max(a, T.ulpOfOne), 1 - T.ulpOfOne) }

    /// The output activation this loss is fused with (`δ = a − y`), or nil for squared error.
    public var fusedActivation: Activation? {
        switch self {
        case .squaredError: return nil
        case .binaryCrossEntropy: return .sigmoid
        case .softmaxCrossEntropy: return .softmax
        }
    }

    /// The loss of one sample from its logits `z` and target `y` (the fused losses only).
    @inlinable
    public func fusedValue<T: Scalar>(z: UnsafeBufferPointer<T>, y: UnsafeBufferPointer<T>, range: Range<Int>) -> T {
        switch self {
        case .squaredError:
            preconditionFailure("squared error is not fused")
        case .binaryCrossEntropy:
            var total: T = 0
            for i in range { total += max(z[i], 0) - z[i] * y[i] + T.log(onePlus: T.exp(-abs(z[i]))) }
            return total
        case .softmaxCrossEntropy:
            var m = z[range.lowerBound]
            for i in range { m = max(m, z[i]) }
            var sum: T = 0
            for i in range { sum += T.exp(z[i] - m) }
            let lse = m + T.log(sum)
            var total: T = 0
            for i in range where y[i] != 0 { total += y[i] * (lse - z[i]) }
            return total
        }
    }

    /// The loss of whole rows (`cols` numbers each) of outputs `a` (logits `z`) against targets
    /// `y`, times `scale` (1, or 1/B for a mean over a batch of B); writes `gradient` =
    /// `scale · dLoss/da` (squared error) or `scale · δ` (the fused losses, see ``fusedActivation``).
    /// All buffers are the same rows; a batch's rows may be done in parts.
    @inlinable
    public func rows<T: Scalar>(a pa: UnsafeBufferPointer<T>, z pz: UnsafeBufferPointer<T>, y py: UnsafeBufferPointer<T>,
                                gradient pg: UnsafeMutableBufferPointer<T>, cols: Int, scale: T) -> T {
        var total: T = 0
        let rows = cols > 0 ? pa.count / cols : 0
        if fusedActivation == nil {
            for i in pa.indices {
                total += value(a: pa[i], y: py[i])
                pg[i] = scale * gradient(a: pa[i], y: py[i])
            }
            return scale * total
        }
        for r in 0..<rows { total += fusedValue(z: pz, y: py, range: (r * cols)..<((r + 1) * cols)) }
        if self == .softmaxCrossEntropy {
            for r in 0..<rows {                   // δ^L = a·Σy − y (= a − y when Σy = 1)
                let row = (r * cols)..<((r + 1) * cols)
                var ySum: T = 0
                for i in row { ySum += py[i] }
                for i in row { pg[i] = scale * (pa[i] * ySum - py[i]) }
            }
        } else {
            for i in pa.indices { pg[i] = scale * (pa[i] - py[i]) }     // δ^L = a − y
        }
        return scale * total
    }

    /// The loss to train an output layer with when none is named — the one rule, used by
    /// ``TrainingPlan`` and by `Network`'s initialisers:
    ///
    /// | output    | classes                  | otherwise (regression, or not known)   |
    /// |-----------|--------------------------|-----------------------------------------|
    /// | softmax   | softmax-cross-entropy    | softmax-cross-entropy                   |
    /// | sigmoid   | binary-cross-entropy     | squared-error (the tutorial's)          |
    /// | any other | squared-error            | squared-error                           |
    ///
    /// ```swift
    /// Loss.standard(for: .softmax)                         // .softmaxCrossEntropy
    /// Loss.standard(for: .sigmoid, classification: true)  // .binaryCrossEntropy
    /// ```
    public static func standard(for output: Activation, classification: Bool = false) -> Loss {
        output == .softmax ? .softmaxCrossEntropy : output == .sigmoid && classification ? .binaryCrossEntropy : .squaredError
    }

    /// Why a network with these layer activations and `outputs` outputs cannot use this loss,
    /// or nil when it can.
    public func problem(outputActivation: Activation, outputs: Int) -> String? {
        if let required = fusedActivation, outputActivation != required {
            return "\(rawValue) needs a \(required.rawValue) output layer, not \(outputActivation.rawValue)"
        }
        if self == .softmaxCrossEntropy && outputs < 2 {
            return "softmax-cross-entropy needs at least 2 outputs (one per class); for two classes with one output use sigmoid with binary-cross-entropy"
        }
        return nil
    }

    /// Why `target` is not a target this loss is defined for, or nil: binary cross-entropy's
    /// `−[y ln a + (1 − y) ln(1 − a)]` needs y in [0, 1] (else the loss goes negative), and
    /// softmax cross-entropy's `δ = a − y` needs y ≥ 0 summing to 1 (its gradient is a·Σy − y).
    public func targetProblem(_ target: [Double]) -> String? {
        switch self {
        case .squaredError: return nil
        case .binaryCrossEntropy:
            guard let bad = target.first(where: { !($0 >= 0 && $0 <= 1) }) else { return nil }
            return "binary-cross-entropy needs targets from 0 to 1 (a probability), not \(String(format: "%g", bad))"
        case .softmaxCrossEntropy:
            let sum = target.reduce(0, +)
            guard target.contains(where: { !($0 >= 0) }) || abs(sum - 1) > 1e-3 else { return nil }   // 0.333 × 3 passes
            return "softmax-cross-entropy needs targets ≥ 0 that sum to 1 (one-hot for a class, e.g. 0,1,0), not \(target.map { String(format: "%g", $0) }.joined(separator: ","))"
        }
    }
}
