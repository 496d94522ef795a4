import CMath
import RealModule

/// The update formulas of ``Optimizer``, one function each, over a parameter buffer `p` and its
/// gradient `g` (same length). `decay` is `λ` and `l1` is `λ₁` (both 0 for biases).
///
/// Each formula is written once, for one element, and run by ``Elements/each(_:l1:_:)``: a plain
/// loop over the buffers that the compiler vectorises (the square root is
/// ``Scalar/vectorizableSquareRoot(_:)``, which sets no errno), written twice so that the common
/// case, no L1, has no branch inside it. (Earlier the formulas were written on `SIMD8` values: on
/// x86-64 without AVX that is two SSE registers a value, and Adam spilled to the stack — 3.5 ns
/// an element against 0.7 for the plain loop.) Adam for `Float` goes to C where the CPU has AVX2,
/// with the same bits (see `adam`).
enum Updates {
    /// SGD with L2 and L1: `p ← p − η g'`, `g' = g + λ p + λ₁ sign(p)`.
    static func sgd<T: Scalar>(_ p: UnsafeMutableBufferPointer<T>, _ g: UnsafeBufferPointer<T>, eta: T, decay: T, l1: T) {
        let n = p.count
        guard let p = p.baseAddress, let g = g.baseAddress else { return }
        Elements.each(n, l1: l1) { i, l1 in
            let pv = p[i]
            p[i] = pv - eta * regularized(g[i], pv, decay: decay, l1: l1)
        }
    }

    /// The gradient with its regularisation terms: `g + λ p + λ₁ sign(p)` (`sign(0) = 0`).
    @inline(__always)
    static func regularized<T: Scalar>(_ g: T, _ p: T, decay: T, l1: T) -> T {
        let out = g + decay * p
        if l1 == 0 { return out }
        return out + (p > 0 ? l1 : p < 0 ? -l1 : 0)
    }

    /// Momentum: `v ← μ v + g'`, `p ← p − η v`; Nesterov: `p ← p − η (g' + μ v)`;
    /// with `g' = g + λ p + λ₁ sign(p)`.
    static func momentum<T: Scalar>(_ p: UnsafeMutableBufferPointer<T>, _ g: UnsafeBufferPointer<T>,
                                    _ v: UnsafeMutableBufferPointer<T>, eta: T, mu: T, decay: T, l1: T, nesterov: Bool) {
        let n = p.count
        guard let p = p.baseAddress, let g = g.baseAddress, let v = v.baseAddress else { return }
        func update(_ nesterov: Bool) {
            Elements.each(n, l1: l1) { i, l1 in
                let pv = p[i]
                let gv = regularized(g[i], pv, decay: decay, l1: l1)
                let vv = mu * v[i] + gv
                v[i] = vv
                p[i] = pv - eta * (nesterov ? gv + mu * vv : vv)
            }
        }
        if nesterov { update(true) } else { update(false) }
    }

    /// Adam with decoupled weight decay (AdamW), step `t` (1-based), `g' = g + λ₁ sign(p)`:
    /// `m ← β₁ m + (1 − β₁) g'`; `v ← β₂ v + (1 − β₂) g'²`;
    /// `p ← (1 − η λ) p − η (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)`.
    ///
    /// For `Float` without L1 on an x86-64 CPU with AVX2, the same formula runs in C, eight
    /// elements at a time (`backprop_adam_f32`: the baseline's four-wide division and square root
    /// bound this loop), with the same bits; `wide: false` keeps it here, for the tests.
    static func adam<T: Scalar>(_ p: UnsafeMutableBufferPointer<T>, _ g: UnsafeBufferPointer<T>,
                                _ m: UnsafeMutableBufferPointer<T>, _ v: UnsafeMutableBufferPointer<T>,
                                eta: T, beta1: T, beta2: T, epsilon: T, decay: T, l1: T, corrections: AdamCorrections<T>,
                                wide: Bool = true) {
        let n = p.count
        guard let p = p.baseAddress, let g = g.baseAddress, let m = m.baseAddress, let v = v.baseAddress else { return }
        let (stepSize, inverseC2) = (corrections.stepSize, corrections.inverseC2)
        let keep = 1 - eta * decay
        #if arch(x86_64)
        if wide && T.self == Float.self && l1 == 0 && backprop_has_avx2() != 0 {
            func f(_ x: T) -> Float { unsafeBitCast(x, to: Float.self) }
            func f(_ x: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> { UnsafeMutableRawPointer(x).assumingMemoryBound(to: Float.self) }
            backprop_adam_f32(f(p), UnsafeRawPointer(g).assumingMemoryBound(to: Float.self), f(m), f(v), n, f(beta1), f(beta2),
                              f(epsilon), f(stepSize), f(inverseC2), f(keep))
            return
        }
        #endif
        Elements.each(n, l1: l1) { i, l1 in
            let old = p[i]
            let gv = regularized(g[i], old, decay: 0, l1: l1)
            let mv = beta1 * m[i] + (1 - beta1) * gv
            let vv = beta2 * v[i] + (1 - beta2) * gv * gv
            m[i] = mv
            v[i] = vv
            p[i] = keep * old - stepSize * mv / (T.vectorizableSquareRoot(vv * inverseC2) + epsilon)
        }
    }
}

/// Adam's bias corrections at step `t` as factors, η / (1 − β₁ᵗ) and 1 / (1 − β₂ᵗ), so that an
/// element costs one division; computed once a step (two `pow`s), not once per stretch updated.
struct AdamCorrections<T: Scalar> {
    var stepSize: T, inverseC2: T

    init(eta: T, beta1: T, beta2: T, t: Int) {
        stepSize = eta / (1 - T.pow(beta1, T(t)))
        inverseC2 = 1 / (1 - T.pow(beta2, T(t)))
    }
}

/// The loop of an update.
enum Elements {
    /// Calls `body(i, l1)` for `i` in `0..<n`. When `l1` is 0 the body is given a literal 0, so
    /// its L1 term folds away and the loop vectorises.
    @inline(__always)
    static func each<T: Scalar>(_ n: Int, l1: T, _ body: (Int, T) -> Void) {
        if l1 == 0 {
            for i in 0..<n { body(i, 0) }
        } else {
            for i in 0..<n { body(i, l1) }
        }
    }
}
