/// Inverted dropout on hidden layers, in training steps only.
///
/// In a training step each hidden neuron's output is kept with probability `1 − p` and scaled by
/// `1/(1 − p)`, or dropped (set to 0) with probability `p`, independently for every sample:
/// ```
/// m = 0 (dropped) or 1/(1 − p) (kept)      a' = a ⊙ m      (the next layer sees a')
/// dLoss/da = dLoss/da' ⊙ m                  δ = dLoss/da' ⊙ m ⊙ σ'(z)
/// ```
/// so a dropped neuron neither feeds the layer above nor learns from this sample, and the
/// expected input of the layer above is what it sees at prediction time, when nothing is dropped.
///
/// The masks of a step come from a generator seeded by the run's dropout seed and the step's
/// number (the optimizer's step count before it), so a resumed run, `backprop explain --state`
/// and the playground's panel draw the same masks as training did.
///
/// ```swift
/// var g = Dropout.generator(seed: 7, step: 0)
/// let m: Double = Dropout.draw(rate: 0.5, keep: Dropout.keep(rate: 0.5), generator: &g)   // 0 or 2
/// ```
public enum Dropout {
    /// The masks' generator of the step numbered `step` (0-based) of a run with dropout seed `seed`.
    public static func generator(seed: UInt64, step: Int) -> SeededGenerator {
        SeededGenerator(seed: seed ^ (UInt64(truncatingIfNeeded: step) &* 0x9E37_79B9_7F4A_7C15))
    }

    /// One mask entry: 0 with probability `rate`, else `keep` (`1/(1 − rate)`, see ``keep(rate:)``).
    @inlinable
    public static func draw<T: Scalar>(rate: Double, keep: T, generator: inout SeededGenerator) -> T {
        generator.uniform() < rate ? 0 : keep
    }

    /// Fills `mask` entry by entry with ``draw(rate:keep:generator:)``'s values, the same numbers
    /// from the same draws, faster: the generator stays in registers (a local copy, written back
    /// at the end), and `uniform() < rate` is compared as integers without a branch. `uniform()`
    /// is `k · 2⁻⁵³` with `k = next() >> 11`, exactly, so `uniform() < rate ⇔ k < ⌈rate · 2⁵³⌉`
    /// (`rate · 2⁵³` is exact too: a power of two).
    static func fill<T: Scalar>(_ mask: UnsafeMutableBufferPointer<T>, rate: Double, keep: T, generator: inout SeededGenerator) {
        // k < 2⁵³ always: a rate of 1 or more drops all, as draw() does; NaN or ≤ 0 drops none.
        let threshold: UInt64 = rate >= 1 ? 1 << 53 : rate > 0 ? UInt64((rate * 0x1.0p53).rounded(.up)) : 0
        var g = generator
        for i in mask.indices { mask[i] = g.next() >> 11 < threshold ? 0 : keep }
        generator = g
    }

    /// The scale of a kept output: `1/(1 − rate)`.
    public static func keep<T: Scalar>(rate: Double) -> T { T(1 / (1 - rate)) }
}

extension Dense {
    /// Draws this layer's mask for the batch of its last `forward` and applies it: `dropped = a ⊙ m`,
    /// which ``output`` then is; `backward` multiplies `δ` by the mask.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    mutating func applyDropout(rate: Double, generator: inout SeededGenerator) {
        drawMask(rows: a.rows, rate: rate, generator: &generator)
        mask.storage.withUnsafeBufferPointer { m in
            a.storage.withUnsafeBufferPointer { pa in
                dropped.storage.withUnsafeMutableBufferPointer { d in
                    for i in m.indices { d[i] = pa[i] * m[i] }
                }
            }
        }
    }

    /// Sizes `mask` and `dropped` for `rows` rows and draws the mask from `generator`, entry by
    /// entry in row order (the masks of a step depend on its generator alone, not on `a`).
    mutating func drawMask(rows: Int, rate: Double, generator: inout SeededGenerator) {
        let outputs = outputSize
        if mask.rows != rows || mask.cols != outputs { mask.resize(rows: rows, cols: outputs) }
        if dropped.rows != rows || dropped.cols != outputs { dropped.resize(rows: rows, cols: outputs) }
        let keep: T = Dropout.keep(rate: rate)
        mask.storage.withUnsafeMutableBufferPointer { m in Dropout.fill(m, rate: rate, keep: keep, generator: &generator) }
        masked = true
    }
}

extension Network {
    /// Forward in a training step with dropout `rate` on every hidden layer (masks from
    /// `generator`); the output layer is never dropped. With rate 0 this is ``forward(_:)``.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public mutating func forward(_ x: Matrix<T>, dropout rate: Double, generator: inout SeededGenerator) {
        guard rate > 0 else { return forward(x) }
        layers[0].forward(x)
        for l in 1..<layers.count {
            layers[l - 1].applyDropout(rate: rate, generator: &generator)
            let input = layers[l - 1].dropped                // shares storage: no copy
            layers[l].forward(input)
        }
    }
}
