import RealModule

extension Float {
    /// `tanh x` in single precision, written out (no call into the C library) so that a loop over
    /// it vectorises, and so that it gives the same bits on every platform (C's `tanhf` differs
    /// between libraries, and costs a call per element: it was a quarter of a playground state).
    ///
    /// tanh is odd, so the formula works on the magnitude `m = abs(x)` and puts the sign of `x` back
    /// at the end:
    ///
    /// | `m`           | formula                                      | why                                              |
    /// |---------------|----------------------------------------------|--------------------------------------------------|
    /// | < 0.625       | `x + x³·P(x²)`, `P` of degree 4              | `1 − 2/(e²ˣ + 1)` would cancel near 0            |
    /// | 0.625 … 10    | `1 − 2/(e^y + 1)`, `y = 2m`                  | `e^y = 2ᵏ·eʳ`: `k = round(y / ln 2)`, `abs(r) ≤ ln 2 / 2`, `eʳ = 1 + r + r²·Q(r)`, `Q` of degree 4 |
    /// | ≥ 10, ∞       | 1 (`1 − tanh 10 = 4·10⁻⁹` rounds away)        | `y` is capped at 20, so `2ᵏ` never overflows      |
    /// | NaN           | NaN                                          |                                                  |
    ///
    /// `P` and `Q` are minimax fits in Double rounded to Float; `r = y − k·ln 2` is taken in two
    /// parts (`ln 2 = 0.693359375 − 0.00021219444…`, the first exact with few bits) so it is exact
    /// enough. The error is at most 1.4 ulp against `tanh` in Double (the tests check it over
    /// [−12, 12], around 0.625 and on tiny and special values).
    @inlinable @inline(__always)
    public static func vectorizableTanh(_ x: Float) -> Float {
        let ax = Swift.abs(x), z = ax * ax
        // |x| < 0.625: x + x³·P(x²)
        var p: Float = -0.005704984
        p = p * z + 0.020639084
        p = p * z - 0.053739715
        p = p * z + 0.13331442
        p = p * z - 0.3333328
        let small = ax + (ax * z) * p
        // |x| ≥ 0.625: 1 − 2/(e^y + 1), y = 2|x| capped at 20
        let y = 2 * (ax < 10 ? ax : 10)
        let shifted = y * 1.442695 + 12_582_912           // 1.5·2²³: rounds y/ln 2 to the integer k in the low bits
        let k = shifted - 12_582_912
        let r = (y - k * 0.6933594) - k * -0.00021219444
        var q: Float = 0.0013814613
        q = q * r + 0.00836871
        q = q * r + 0.04166839
        q = q * r + 0.16666521
        q = q * r + 0.49999994
        let twoToK = Float(bitPattern: ((shifted.bitPattern &- 0x4B40_0000) &+ 127) &<< 23)
        let large = 1 - 2 / ((1 + r + (r * r) * q) * twoToK + 1)
        let magnitude = ax < 0.625 ? small : large
        let signed = Float(bitPattern: magnitude.bitPattern | (x.bitPattern & 0x8000_0000))
        return x.isNaN ? x : signed
    }
}

extension Double {
    /// `tanh x` from the C library: in Double the point is precision, not speed.
    @inlinable @inline(__always)
    public static func vectorizableTanh(_ x: Double) -> Double { Double.tanh(x) }
}
