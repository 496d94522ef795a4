import RealModule

/// Small built-in data sets: the tutorial's four XOR rows, and the 2-D sets of TensorFlow
/// Playground, seeded.
public enum ToySets {
    /// The four XOR rows: `x` (4, 2) = `[0,0], [0,1], [1,0], [1,1]`, `y` (4, 1) = `0, 1, 1, 0`.
    ///
    /// ```swift
    /// let (x, y) = ToySets.xor(Float.self)
    /// ```
    public static func xor<T: Scalar>(_: T.Type = T.self) -> (x: Matrix<T>, y: Matrix<T>) {
        (Matrix([[0, 0], [0, 1], [1, 0], [1, 1]]), Matrix([[0], [1], [1], [0]]))
    }

    /// A 2-D point set: four two-class sets and two regression sets, as in TensorFlow Playground.
    ///
    /// | name        | points (coordinates within about ±6)                                       |
    /// |-------------|----------------------------------------------------------------------------|
    /// | `xor`       | uniform in the square ±5 (kept 0.3 away from the axes); class 1 when x·y > 0 |
    /// | `circles`   | class 0 inside radius 2.5, class 1 on the ring 3.5…5                       |
    /// | `spiral`    | two interleaved spirals of 1.75 turns, radius 0…5                          |
    /// | `gaussians` | two round clusters centred at (2, 2) and (−2, −2), standard deviation 1    |
    /// | `plane`     | regression: uniform in ±5; target `(x1 + x2) / 10`, in −1…1                 |
    /// | `multi-gaussian` | regression: uniform in ±5; target `Σ ±exp(−‖p − c‖² / 4)` over six centres `c` at x = −3.5, 0, 3.5 and y = ±2.5, signs alternating: −1…1 |
    ///
    /// `noise` (0…1) blurs the classes: `xor`, `circles` and `spiral` move each point by a uniform
    /// `±noise·2.5` in x and y; `gaussians` widens the clusters to `1 + 2·noise`. Points alternate
    /// between the classes, so any prefix is balanced. The regression sets compute the target
    /// from the exact point, then move the point by `±noise·2.5` (as TensorFlow Playground does).
    public enum Shape: String, CaseIterable, Sendable {
        case xor, circles, spiral, gaussians, plane
        case multiGaussian = "multi-gaussian"

        /// Whether the set's target is a number (`plane`, `multi-gaussian`) rather than a class.
        public var isRegression: Bool { self == .plane || self == .multiGaussian }
    }

    /// The centres and signs of `multi-gaussian`.
    static let gaussianCentres: [(x: Double, y: Double, sign: Double)] = [
        (-3.5, 2.5, 1), (0, 2.5, -1), (3.5, 2.5, 1), (-3.5, -2.5, -1), (0, -2.5, 1), (3.5, -2.5, -1),
    ]

    /// The defaults of a generated set (`backprop train --samples`, `--noise`, `--seed`).
    public static let defaultCount = 500, defaultNoise = 0.1, defaultSeed: UInt64 = 1

    /// The seed of a set's own test split: as many more points of the same shape, drawn from
    /// `seed &+ 1_000_003` (far from every seed a run derives from its own, ``TrainingSeeds``).
    public static func testSeed(for seed: UInt64) -> UInt64 { seed &+ 1_000_003 }

    /// `count` points of `shape` from `seed`: classes "0" and "1", or for a regression shape one
    /// target column.
    ///
    /// ```swift
    /// let spiral = ToySets.make(.spiral, count: 400, noise: 0.1, seed: 1, as: Float.self)
    /// let circles: Dataset<Float> = ToySets.make(.circles)        // 500 points, noise 0.1, seed 1
    /// ```
    public static func make<T: Scalar>(_ shape: Shape, count: Int = defaultCount, noise: Double = defaultNoise,
                                       seed: UInt64 = defaultSeed, as: T.Type = T.self) -> Dataset<T> {
        var rng = SeededGenerator(seed: seed)
        var x = Matrix<T>(rows: count, cols: 2)
        var labels: [Int] = []
        func jitter() -> Double { rng.uniform(-1, 1) * noise * 2.5 }
        if shape.isRegression {
            var y = Matrix<T>(rows: count, cols: 1)
            for i in 0..<count {
                let p = (rng.uniform(-5, 5), rng.uniform(-5, 5))
                let target = shape == .plane ? (p.0 + p.1) / 10 : gaussianCentres.reduce(0.0) { sum, c in
                    let d2 = (p.0 - c.x) * (p.0 - c.x) + (p.1 - c.y) * (p.1 - c.y)
                    return sum + c.sign * Double.exp(-d2 / 4)
                }
                (x[i, 0], x[i, 1], y[i, 0]) = (T(p.0 + jitter()), T(p.1 + jitter()), T(target))
            }
            return Dataset(x: x, y: y, featureNames: ["x1", "x2"])
        }
        for i in 0..<count {
            let label = i % 2
            var p: (Double, Double)
            switch shape {
            case .xor:
                func coordinate() -> Double { let v = rng.uniform(-5, 5); return v + (v > 0 ? 0.3 : -0.3) }
                p = (coordinate(), coordinate())
                if (p.0 * p.1 > 0 ? 1 : 0) != label { p.1 = -p.1 }       // put it in a quadrant of its class
                p = (p.0 + jitter(), p.1 + jitter())
            case .circles:
                let r = label == 0 ? rng.uniform(0, 2.5) : rng.uniform(3.5, 5)
                let angle = rng.uniform(0, 2 * Double.pi)
                p = (r * Double.cos(angle) + jitter(), r * Double.sin(angle) + jitter())
            case .spiral:
                let k = Double(i / 2) / Double(max((count + 1) / 2, 1))
                let r = 5 * k
                let t = 1.75 * k * 2 * Double.pi + (label == 0 ? 0 : Double.pi)
                p = (r * Double.sin(t) + jitter(), r * Double.cos(t) + jitter())
            case .gaussians:
                let centre = label == 0 ? 2.0 : -2.0, sd = 1 + 2 * noise
                p = (centre + sd * rng.normal(), centre + sd * rng.normal())
            case .plane, .multiGaussian:
                p = (0, 0)      // not reached: drawn above
            }
            x[i, 0] = T(p.0)
            x[i, 1] = T(p.1)
            labels.append(label)
        }
        return Dataset(x: x, y: Dataset<T>.oneHot(labels, classes: 2), classNames: ["0", "1"], featureNames: ["x1", "x2"])
    }

    /// A training set and its own test set of the same shape: `count` points each, the test
    /// points from ``testSeed(for:)`` — what `backprop train --data spiral` trains and tests on.
    ///
    /// ```swift
    /// let (train, test) = ToySets.split(.spiral, as: Float.self)
    /// ```
    public static func split<T: Scalar>(_ shape: Shape, count: Int = defaultCount, noise: Double = defaultNoise,
                                        seed: UInt64 = defaultSeed, as: T.Type = T.self) -> (train: Dataset<T>, test: Dataset<T>) {
        (make(shape, count: count, noise: noise, seed: seed), make(shape, count: count, noise: noise, seed: testSeed(for: seed)))
    }
}
