import RealModule

/// The update formulas of ``Optimizer``, one function each, over a parameter buffer `p` and its
/// gradient `g` (same length). `decay` is `λ` and `l1` is `λ₁` (both 0 for biases).
///
/// Each formula is written once, on 8 lanes at a time (`SIMD8`), so that the compiler emits
/// vector instructions for the square roots and divisions of Adam; the last few elements go
/// through the same formula with the unused lanes zero.
enum Updates {
    /// SGD with L2 and L1: `p ← p − η g'`, `g' = g + λ p + λ₁ sign(p)`.
    static func sgd<T: Scalar>(_ p: UnsafeMutableBufferPointer<T>, _ g: UnsafeBufferPointer<T>, eta: T, decay: T, l1: T) {
        Lanes.each(p.count) { i, k in
            let pv = Lanes.load(p, i, k)
            Lanes.store(pv - eta * regularized(Lanes.load(g, i, k), pv, decay: decay, l1: l1), p, i, k)
        }
    }

    /// The gradient with its regularisation terms: `g + λ p + λ₁ sign(p)` (`sign(0) = 0`).
    @inline(__always)
    static func regularized<T: Scalar>(_ g: SIMD8<T>, _ p: SIMD8<T>, decay: T, l1: T) -> SIMD8<T> {
        var out = g + decay * p
        if l1 != 0 {
            let zero = SIMD8<T>(repeating: 0)
            out += zero.replacing(with: l1, where: p .> zero).replacing(with: -l1, where: p .< zero)
        }
        return out
    }

    /// Momentum: `v ← μ v + g'`, `p ← p − η v`; Nesterov: `p ← p − η (g' + μ v)`;
    /// with `g' = g + λ p + λ₁ sign(p)`.
    static func momentum<T: Scalar>(_ p: UnsafeMutableBufferPointer<T>, _ g: UnsafeBufferPointer<T>,
                                    _ v: UnsafeMutableBufferPointer<T>, eta: T, mu: T, decay: T, l1: T, nesterov: Bool) {
        Lanes.each(p.count) { i, k in
            let pv = Lanes.load(p, i, k)
            let gv = regularized(Lanes.load(g, i, k), pv, decay: decay, l1: l1)
            let vv = mu * Lanes.load(v, i, k) + gv
            Lanes.store(vv, v, i, k)
            Lanes.store(pv - eta * (nesterov ? gv + mu * vv : vv), p, i, k)
        }
    }

    /// Adam with decoupled weight decay (AdamW), step `t` (1-based), `g' = g + λ₁ sign(p)`:
    /// `m ← β₁ m + (1 − β₁) g'`; `v ← β₂ v + (1 − β₂) g'²`;
    /// `p ← (1 − η λ) p − η (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)`.
    static func adam<T: Scalar>(_ p: UnsafeMutableBufferPointer<T>, _ g: UnsafeBufferPointer<T>,
                                _ m: UnsafeMutableBufferPointer<T>, _ v: UnsafeMutableBufferPointer<T>,
                                eta: T, beta1: T, beta2: T, epsilon: T, decay: T, l1: T, t: Int) {
        // The bias corrections as factors: η / (1 − β₁ᵗ) and 1 / (1 − β₂ᵗ), so one division per element.
        let stepSize = eta / (1 - T.pow(beta1, T(t))), inverseC2 = 1 / (1 - T.pow(beta2, T(t)))
        let keep = 1 - eta * decay
        Lanes.each(p.count) { i, k in
            let old = Lanes.load(p, i, k)
            let gv = regularized(Lanes.load(g, i, k), old, decay: 0, l1: l1)
            let mv = beta1 * Lanes.load(m, i, k) + (1 - beta1) * gv
            let vv = beta2 * Lanes.load(v, i, k) + (1 - beta2) * gv * gv
            var root = vv * inverseC2
            for j in 0..<8 { root[j] = T.vectorizableSquareRoot(root[j]) }
            let pv = keep * old - stepSize * mv / (root + epsilon)
            Lanes.store(mv, m, i, k)
            Lanes.store(vv, v, i, k)
            Lanes.store(pv, p, i, k)
        }
    }
}

/// Eight elements of a buffer at a time.
enum Lanes {
    /// Calls `body(start, count)` for consecutive chunks of 8 (the last one may be shorter).
    @inline(__always)
    static func each(_ n: Int, _ body: (Int, Int) -> Void) {
        var i = 0
        while i + 8 <= n { body(i, 8); i += 8 }
        if i < n { body(i, n - i) }
    }

    /// Elements `i..<i+k` of `b` (the lanes past `k` are 0).
    @inline(__always)
    static func load<T: Scalar>(_ b: UnsafeBufferPointer<T>, _ i: Int, _ k: Int) -> SIMD8<T> {
        if k == 8 { return UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: SIMD8<T>.self) }
        var v = SIMD8<T>()
        for j in 0..<k { v[j] = b[i + j] }
        return v
    }

    @inline(__always)
    static func load<T: Scalar>(_ b: UnsafeMutableBufferPointer<T>, _ i: Int, _ k: Int) -> SIMD8<T> {
        load(UnsafeBufferPointer(b), i, k)
    }

    /// Writes the first `k` lanes of `v` to elements `i..<i+k` of `b`.
    @inline(__always)
    static func store<T: Scalar>(_ v: SIMD8<T>, _ b: UnsafeMutableBufferPointer<T>, _ i: Int, _ k: Int) {
        if k == 8 { UnsafeMutableRawPointer(b.baseAddress! + i).storeBytes(of: v, as: SIMD8<T>.self); return }
        for j in 0..<k { b[i + j] = v[j] }
    }
}
