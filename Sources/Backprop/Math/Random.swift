import RealModule
/// Backprop's own seeded random generator: xoshiro256** seeded through SplitMix64.
///
/// The same seed gives the same numbers on every platform and every Swift version, so the same
/// seed gives the same initial weights and the same training run everywhere (Swift's
/// `SystemRandomNumberGenerator` is not seedable, and the standard library's `Float.random(in:)`
/// does not promise a stable algorithm).
///
/// ```swift
/// var rng = SeededGenerator(seed: 42)
/// rng.next()            // 64 random bits
/// rng.uniform()         // a Double in [0, 1)
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var sm = seed
        let (a, b, c, d) = (Self.splitMix64(&sm), Self.splitMix64(&sm), Self.splitMix64(&sm), Self.splitMix64(&sm))
        s = (a, b, c, d)
    }

    /// SplitMix64's next number from `state` (not a closure over it: a training step makes a
    /// dropout generator, and a captured variable is a heap box in an unoptimised build).
    private static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    /// A uniform `Double` in `[0, 1)`: the top 53 bits of `next()` times 2⁻⁵³.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform `Double` in `[low, high)`.
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

extension SeededGenerator {
    /// A uniformly random permutation of `0..<n` (Fisher–Yates, from the top).
    public mutating func permutation(_ n: Int) -> [Int] {
        var order = Array(0..<n)
        shuffle(&order)
        return order
    }

    /// Shuffles `order` in place (Fisher–Yates), allocating nothing.
    public mutating func shuffle(_ order: inout [Int]) {
        var i = order.count - 1
        while i > 0 {
            let j = Int(next() % UInt64(i + 1))
            order.swapAt(i, j)
            i -= 1
        }
    }

    /// A standard normal number (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = 1 - uniform()      // (0, 1]
        let u2 = uniform()
        return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * Double.pi * u2)
    }
}
