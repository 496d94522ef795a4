import Foundation
import Testing
@testable import Backprop

/// `Float.vectorizableTanh` (the tanh of Float activations) against `tanh` in Double.
@Suite struct TanhTests {
    /// |f − tanh x| in units in the last place of the Float nearest to tanh x.
    static func ulps(_ x: Float) -> Double {
        let exact = Foundation.tanh(Double(x))
        let f = Double(Float.vectorizableTanh(x))
        let ulp = Double(Float(exact).magnitude.ulp)
        return Swift.abs(f - exact) / ulp
    }

    @Test func withinOnePointFourUlpsOverTheRange() {
        var worst = (x: Float(0), ulps: 0.0)
        var points: [Float] = stride(from: -12.0, through: 12.0, by: 1e-4).map { Float($0) }
        points += stride(from: 0.6, through: 0.7, by: 1e-6).map { Float($0) }      // where the formula changes
        points += stride(from: -30.0, through: 1.0, by: 0.01).map { Float(Foundation.pow(10, $0)) }   // tiny to 10
        points += [Float.leastNonzeroMagnitude, .leastNormalMagnitude, 0.625, Float(0.625).nextDown, 9, 10, Float(10).nextDown, Float(10).nextUp]
        for x in points {
            for v in [x, -x] where Self.ulps(v) > worst.ulps { worst = (v, Self.ulps(v)) }
        }
        #expect(worst.ulps <= 1.4, "tanh(\(worst.x)) is off by \(worst.ulps) ulp")
    }

    @Test func specialValues() {
        #expect(Float.vectorizableTanh(0).bitPattern == Float(0).bitPattern)
        #expect(Float.vectorizableTanh(-0.0).bitPattern == Float(-0.0).bitPattern)
        #expect(Float.vectorizableTanh(.infinity) == 1)
        #expect(Float.vectorizableTanh(-.infinity) == -1)
        #expect(Float.vectorizableTanh(.greatestFiniteMagnitude) == 1)
        #expect(Float.vectorizableTanh(.nan).isNaN)
        #expect(Float.vectorizableTanh(20) == 1 && Float.vectorizableTanh(-20) == -1)
        for x in stride(from: Float(0), through: 12, by: 0.001) {
            #expect(Float.vectorizableTanh(-x) == -Float.vectorizableTanh(x))           // odd, exactly
        }
    }

    @Test func monotoneAndBounded() {
        var previous = Float.vectorizableTanh(-12)
        for x in stride(from: Float(-12), through: 12, by: 0.0005) {
            let t = Float.vectorizableTanh(x)
            #expect(t >= previous && Swift.abs(t) <= 1, "tanh(\(x)) = \(t) after \(previous)")
            previous = t
        }
    }

    /// The activation's loop over a batch (which the compiler may vectorise) gives the same bits as
    /// the formula for one number.
    @Test func batchLoopEqualsOneByOne() {
        var generator = SeededGenerator(seed: 5)
        let z = (0..<1003).map { _ in Float(generator.uniform(-6, 6)) }
        var a = [Float](repeating: 0, count: z.count)
        z.withUnsafeBufferPointer { zp in a.withUnsafeMutableBufferPointer { Activation.tanh.forward(z: zp, a: $0, cols: 17) } }
        #expect(a == z.map { Activation.tanh.value($0) })
        #expect(a == z.map(Float.vectorizableTanh))
    }
}
