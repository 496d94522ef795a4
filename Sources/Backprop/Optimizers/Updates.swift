import RealModule

/// The update formulas of ``Optimizer``, one function each, over a parameter buffer `p` and its
/// gradient `g` (same length). `decay` is `λ` (0 for biases).
enum Updates {
    /// SGD with L2 weight decay: `p ← p − η (g + λ p)`.
    static func sgd<T: Scalar>(_ p: UnsafeMutableBufferPointer<T>, _ g: UnsafeBufferPointer<T>, eta: T, decay: T) {
        for i in p.indices { p[i] -= eta * (g[i] + decay * p[i]) }
    }

    /// Momentum: `v ← μ v + g'`, `p ← p − η v`; Nesterov: `p ← p − η (g' + μ v)`;
    /// with `g' = g + λ p`.
    static func momentum<T: Scalar>(_ p: UnsafeMutableBufferPointer<T>, _ g: UnsafeBufferPointer<T>,
                                    _ v: UnsafeMutableBufferPointer<T>, eta: T, mu: T, decay: T, nesterov: Bool) {
        for i in p.indices {
            let gi = g[i] + decay * p[i]
            v[i] = mu * v[i] + gi
            p[i] -= eta * (nesterov ? gi + mu * v[i] : v[i])
        }
    }

    /// Adam with decoupled weight decay (AdamW), step `t` (1-based):
    /// `p ← p − η λ p`; `m ← β₁ m + (1 − β₁) g`; `v ← β₂ v + (1 − β₂) g²`;
    /// `p ← p − η (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)`.
    static func adam<T: Scalar>(_ p: UnsafeMutableBufferPointer<T>, _ g: UnsafeBufferPointer<T>,
                                _ m: UnsafeMutableBufferPointer<T>, _ v: UnsafeMutableBufferPointer<T>,
                                eta: T, beta1: T, beta2: T, epsilon: T, decay: T, t: Int) {
        let c1 = 1 - T.pow(beta1, T(t)), c2 = 1 - T.pow(beta2, T(t))
        for i in p.indices {
            p[i] -= eta * decay * p[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            p[i] -= eta * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
        }
    }
}
