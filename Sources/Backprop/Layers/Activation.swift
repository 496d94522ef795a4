import RealModule

/// An activation function `a = σ(z)` with its derivative `σ'(z)` beside it.
///
/// | name         | value `σ(z)`                 | derivative, from `a = σ(z)`                 |
/// |--------------|------------------------------|---------------------------------------------|
/// | `sigmoid`    | `1 / (1 + e^(−z))`           | `a (1 − a)`                                 |
/// | `tanh`       | `tanh z`                     | `1 − a²`                                    |
/// | `relu`       | `max(0, z)`                  | `1` if `z > 0`, else `0`                    |
/// | `leaky-relu` | `z` if `z > 0`, else `0.01 z`| `1` if `z > 0`, else `0.01`                 |
/// | `identity`   | `z`                          | `1`                                         |
/// | `softmax`    | `e^(z_i) / Σ_j e^(z_j)` (row)| Jacobian `da_i/dz_j = a_i (1[i=j] − a_j)`   |
///
/// All but softmax act element by element; softmax acts on a whole row (one sample) and is
/// computed as `e^(z_i − max z) / Σ_j e^(z_j − max z)` so that no exponential overflows. Its
/// backward is the Jacobian-vector product `δ_i = a_i (g_i − Σ_j g_j a_j)`; with
/// softmax cross-entropy the network skips it and uses the fused `δ = a − y` (see ``Loss``).
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
    case leakyRelu = "leaky-relu"
    case identity
    case softmax

    /// The slope of leaky ReLU for `z ≤ 0`.
    public static var leakySlope: Double { 0.01 }

    /// Whether an output `a` sits where `σ'` is about 0: sigmoid below 0.01 or above 0.99, tanh
    /// beyond ±0.99 (other activations never saturate). The one definition of the training
    /// health summary and of the playground's marked neurons.
    public func isSaturated(_ a: Double) -> Bool {
        switch self {
        case .sigmoid: a < 0.01 || a > 0.99
        case .tanh: abs(a) > 0.99
        default: false
        }
    }

    /// Whether `σ` acts on each number alone (all but softmax).
    public var isElementwise: Bool { self != .softmax }

    /// `σ(z)` for one number (element-wise activations; softmax needs a whole row: `forward`).
    @inlinable
    public func value<T: Scalar>(_ z: T) -> T {
        switch self {
        case .sigmoid: return 1 / (1 + T.exp(-z))
        case .tanh: return T.vectorizableTanh(z)
        case .relu: return z > 0 ? z : 0
        case .leakyRelu: return z > 0 ? z : T(Activation.leakySlope) * z
        case .identity: return z
        case .softmax: preconditionFailure("softmax acts on a row: use forward(z:a:cols:)")
        }
    }

    /// `σ'(z)` for one number, given `z` and `a = σ(z)`. For softmax: the Jacobian's diagonal
    /// `a (1 − a)`.
    @inlinable
    public func derivative<T: Scalar>(z: T, a: T) -> T {
        switch self {
        case .sigmoid, .softmax: return a * (1 - a)
        case .tanh: return 1 - a * a
        case .relu: return z > 0 ? 1 : 0
        case .leakyRelu: return z > 0 ? 1 : T(Activation.leakySlope)
        case .identity: return 1
        }
    }

    /// Forward over a batch stored row by row (`cols` numbers per sample): `a = σ(z)`.
    @inlinable
    public func forward<T: Scalar>(z: UnsafeBufferPointer<T>, a: UnsafeMutableBufferPointer<T>, cols: Int) {
        // One loop per case: with `self` fixed inside each loop, the compiler inlines `value`
        // into a tight kernel; the formula itself stays in `value` alone.
        switch self {
        case .sigmoid: for i in z.indices { a[i] = Activation.sigmoid.value(z[i]) }
        case .tanh: for i in z.indices { a[i] = Activation.tanh.value(z[i]) }
        case .relu: for i in z.indices { a[i] = Activation.relu.value(z[i]) }
        case .leakyRelu: for i in z.indices { a[i] = Activation.leakyRelu.value(z[i]) }
        case .identity: for i in z.indices { a[i] = z[i] }
        case .softmax:
            var start = 0
            while start < z.count {
                let row = start..<(start + cols)
                var m = z[start]
                for i in row { m = max(m, z[i]) }
                var sum: T = 0
                for i in row { a[i] = T.exp(z[i] - m); sum += a[i] }
                let inverse = 1 / sum
                for i in row { a[i] *= inverse }
                start += cols
            }
        }
    }

    /// Backward over a batch: `δ = dLoss/da ⊙ σ'(z)` (element-wise), or for softmax the
    /// Jacobian-vector product `δ_i = a_i (g_i − Σ_j g_j a_j)` on each row.
    @inlinable
    public func backward<T: Scalar>(
        z: UnsafeBufferPointer<T>, a: UnsafeBufferPointer<T>,
        outputGradient g: UnsafeBufferPointer<T>, delta: UnsafeMutableBufferPointer<T>, cols: Int
    ) {
        switch self {
        case .sigmoid: for i in z.indices { delta[i] = g[i] * Activation.sigmoid.derivative(z: z[i], a: a[i]) }
        case .tanh: for i in z.indices { delta[i] = g[i] * Activation.tanh.derivative(z: z[i], a: a[i]) }
        case .relu: for i in z.indices { delta[i] = g[i] * Activation.relu.derivative(z: z[i], a: a[i]) }
        case .leakyRelu: for i in z.indices { delta[i] = g[i] * Activation.leakyRelu.derivative(z: z[i], a: a[i]) }
        case .identity: for i in z.indices { delta[i] = g[i] }
        case .softmax:
            var start = 0
            while start < z.count {
                let row = start..<(start + cols)
                var dot: T = 0
                for i in row { dot += g[i] * a[i] }
                for i in row { delta[i] = a[i] * (g[i] - dot) }
                start += cols
            }
        }
    }
}
