import Testing
#if arch(x86_64)
import CMath
#endif
@testable import Backprop

/// Whether this CPU runs Adam in AVX2 registers.
private var hasAdamKernel: Bool {
    #if arch(x86_64)
    return backprop_has_avx2() != 0
    #else
    return false
    #endif
}

/// `Updates.adam` for `Float` runs in C with AVX2 where the CPU has it (`backprop_adam_f32`); it
/// must give the bits of the Swift loop, `wide: false`, element for element. Elsewhere both calls
/// would run the Swift loop, so the suite is skipped there rather than passing trivially.
@Suite("Adam in AVX2 registers: the same bits as the Swift loop", .enabled(if: hasAdamKernel, "no AVX2 here: no kernel to compare"))
struct AdamKernelTests {
    /// Normal values of several scales, then the awkward ones: zeros of both signs, a subnormal,
    /// huge values, infinities and NaN, in p, g, m and v alike.
    func values(_ n: Int, _ rng: inout SeededGenerator) -> [Float] {
        let special: [Float] = [0, -0, 1e-42, -1e-42, 3e38, -3e38, .infinity, -.infinity, .nan, 1, -1]
        return (0..<n).map { i in
            i % 5 == 4 ? special[(i / 5) % special.count] : Float(rng.normal() * [1e-3, 1, 1e3][i % 3])
        }
    }

    /// The first index whose bits differ, with both values.
    func firstDifference(_ x: [Float], _ y: [Float]) -> (index: Int, Float, Float)? {
        zip(x, y).enumerated().first { $0.element.0.bitPattern != $0.element.1.bitPattern }.map { ($0.offset, $0.element.0, $0.element.1) }
    }

    func update(_ p: [Float], _ g: [Float], _ m: [Float], _ v: [Float], step t: Int, decay: Float, wide: Bool)
        -> (p: [Float], m: [Float], v: [Float]) {
        var (p, m, v) = (p, m, v.map { abs($0) })                       // v ≥ 0, as Adam keeps it
        let corrections = AdamCorrections<Float>(eta: 1e-3, beta1: 0.9, beta2: 0.999, t: t)
        p.withUnsafeMutableBufferPointer { p in
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    g.withUnsafeBufferPointer { g in
                        Updates.adam(p, g, m, v, eta: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, decay: decay, l1: 0,
                                     corrections: corrections, wide: wide)
                    }
                }
            }
        }
        return (p, m, v)
    }

    @Test("every length 0…40 and 1,001 (the vector loop and its tail), steps 1 and 1,000, with and without decay",
          arguments: [0, 1, 7, 8, 9, 15, 16, 17, 31, 40, 1001])
    func sameBits(n: Int) {
        var rng = SeededGenerator(seed: UInt64(n) + 7)
        let (p, g, m, v) = (values(n, &rng), values(n, &rng), values(n, &rng), values(n, &rng))
        for (t, decay) in [(1, Float(0)), (1000, 0.01)] {
            let wide = update(p, g, m, v, step: t, decay: decay, wide: true)
            let narrow = update(p, g, m, v, step: t, decay: decay, wide: false)
            #expect(firstDifference(wide.p, narrow.p) == nil, "p, step \(t)")
            #expect(firstDifference(wide.m, narrow.m) == nil, "m, step \(t)")
            #expect(firstDifference(wide.v, narrow.v) == nil, "v, step \(t)")
            #expect(zip(wide.p, p).contains { $0.bitPattern != $1.bitPattern } == (n > 0))   // (it ran)
        }
    }
}
