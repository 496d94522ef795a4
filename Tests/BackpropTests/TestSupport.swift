import Foundation
import Testing
@testable import Backprop

/// Tolerances used across the tests, per scalar type.
///
/// - `Float`: results of a few dozen multiply-adds agree to ~1e-6 relative (24-bit significand).
/// - `Double`: the same sums agree to ~1e-13 relative (53-bit significand).
protocol Tolerance { static var tolerance: Self { get } }
extension Float: Tolerance { static var tolerance: Float { 1e-5 } }
extension Double: Tolerance { static var tolerance: Double { 1e-12 } }

/// The naive triple-loop product `op(A)·op(B)`, the reference the BLAS path is checked against.
func naiveProduct<T: Scalar>(_ a: Matrix<T>, transposeA: Bool, _ b: Matrix<T>, transposeB: Bool) -> Matrix<T> {
    let opA = transposeA ? a.transposed : a
    let opB = transposeB ? b.transposed : b
    var c = Matrix<T>(rows: opA.rows, cols: opB.cols)
    for i in 0..<opA.rows {
        for j in 0..<opB.cols {
            var s: T = 0
            for p in 0..<opA.cols { s += opA[i, p] * opB[p, j] }
            c[i, j] = s
        }
    }
    return c
}

/// A matrix of uniform values in [-1, 1) from `rng`.
func randomMatrix<T: Scalar>(_ rows: Int, _ cols: Int, _ rng: inout SeededGenerator) -> Matrix<T> {
    Matrix(rows: rows, cols: cols, storage: (0..<(rows * cols)).map { _ in T(rng.uniform(-1, 1)) })
}

/// The largest `|x − y| / max(1, |y|)` over two equally long sequences.
func maxError<T: Scalar>(_ x: [T], _ y: [T]) -> T {
    precondition(x.count == y.count)
    return zip(x, y).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
}

/// The text of a file in the test fixtures.
func fixture(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return try String(contentsOf: url, encoding: .utf8)
}

/// A parsed fixture.
func fixtureJSON(_ name: String) throws -> JSON { try JSON.parse(fixture(name)) }

extension JSON {
    /// A number as Double (tests only).
    var double: Double? { number.flatMap(Double.init) }
    /// An array of numbers as [Double] (tests only).
    var doubles: [Double]? { array?.compactMap(\.double) }
}

/// Mazur's "A Step by Step Backpropagation Example": a 2-2-2 sigmoid network, one sample.
func stepByStepNetwork() -> Network<Double> {
    Network(layers: [
        Dense(weights: Matrix([[0.15, 0.20], [0.25, 0.30]]), biases: [0.35, 0.35], activation: .sigmoid),
        Dense(weights: Matrix([[0.40, 0.45], [0.50, 0.55]]), biases: [0.60, 0.60], activation: .sigmoid),
    ], loss: .squaredError, reduction: .sum)
}
