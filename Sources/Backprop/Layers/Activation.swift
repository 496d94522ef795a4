import RealModule

/// An activation function `a = σ(z)`, applied element by element, with its derivative `σ'(z)`
/// beside it.
///
/// | name       | value `σ(z)`            | derivative `σ'(z)`, from `a = σ(z)` |
/// |------------|-------------------------|-------------------------------------|
/// | `sigmoid`  | `1 / (1 + e^(−z))`      | `a (1 − a)`                         |
/// | `tanh`     | `tanh z`                | `1 − a²`                            |
/// | `relu`     | `max(0, z)`             | `1` if `z > 0`, else `0`            |
/// | `identity` | `z`                     | `1`                                 |
///
/// The derivatives are written in terms of the activation `a`, as the tutorial does
/// (`σ'(z) = a(1 − a)`), so backward needs no second evaluation of `σ`.
///
/// ```swift
/// Activation.sigmoid.value(0.0)                    // 0.5
/// Activation.sigmoid.derivative(z: 0.0, a: 0.5)    // 0.25
/// ```
public enum Activation: String, CaseIterable, Sendable {
    case sigmoid
    case tanh
    case relu
    case identity

    /// `σ(z)` for one number.
    @inlinable
    public func value<T: Scalar>(_ z: T) -> T {
        switch self {
        case .sigmoid: return 1 / (1 + T.exp(-z))
        case .tanh: return T.tanh(z)
        case .relu: return z > 0 ? z : 0
        case .identity: return z
        }
    }

    /// `σ'(z)` for one number, given `z` and `a = σ(z)`.
    @inlinable
    public func derivative<T: Scalar>(z: T, a: T) -> T {
        switch self {
        case .sigmoid: return a * (1 - a)
        case .tanh: return 1 - a * a
        case .relu: return z > 0 ? 1 : 0
        case .identity: return 1
        }
    }

    /// Forward over a buffer: `a[i] = σ(z[i])`.
    @inlinable
    public func forward<T: Scalar>(z: UnsafeBufferPointer<T>, a: UnsafeMutableBufferPointer<T>) {
        // One loop per case: with `self` fixed inside each loop, the compiler inlines `value`
        // into a tight kernel; the formula itself stays in `value` alone.
        switch self {
        case .sigmoid: for i in z.indices { a[i] = Activation.sigmoid.value(z[i]) }
        case .tanh: for i in z.indices { a[i] = Activation.tanh.value(z[i]) }
        case .relu: for i in z.indices { a[i] = Activation.relu.value(z[i]) }
        case .identity: for i in z.indices { a[i] = z[i] }
        }
    }

    /// Backward over a buffer: `δ[i] = dLoss/da[i] · σ'(z[i])`.
    @inlinable
    public func backward<T: Scalar>(
        z: UnsafeBufferPointer<T>, a: UnsafeBufferPointer<T>,
        outputGradient g: UnsafeBufferPointer<T>, delta: UnsafeMutableBufferPointer<T>
    ) {
        switch self {
        case .sigmoid: for i in z.indices { delta[i] = g[i] * Activation.sigmoid.derivative(z: z[i], a: a[i]) }
        case .tanh: for i in z.indices { delta[i] = g[i] * Activation.tanh.derivative(z: z[i], a: a[i]) }
        case .relu: for i in z.indices { delta[i] = g[i] * Activation.relu.derivative(z: z[i], a: a[i]) }
        case .identity: for i in z.indices { delta[i] = g[i] }
        }
    }
}
