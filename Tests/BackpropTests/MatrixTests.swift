import Testing
@testable import Backprop

@Suite("Matrix products: BLAS and the small-product loop against the naive reference")
struct MatrixTests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (4, 2, 2), (4, 1, 2), (2, 3, 5),          // small-product path
        (64, 128, 784), (7, 10, 128), (33, 17, 9), (128, 1, 64),  // BLAS path
    ]

    @Test("every transpose combination and shape, Float", arguments: [false, true], [false, true])
    func float(transposeA: Bool, transposeB: Bool) { check(Float.self, transposeA, transposeB) }

    @Test("every transpose combination and shape, Double", arguments: [false, true], [false, true])
    func double(transposeA: Bool, transposeB: Bool) { check(Double.self, transposeA, transposeB) }

    func check<T: Scalar & Tolerance>(_: T.Type, _ transposeA: Bool, _ transposeB: Bool) {
        var rng = SeededGenerator(seed: 7)
        for (m, n, k) in Self.shapes {
            let a: Matrix<T> = transposeA ? randomMatrix(k, m, &rng) : randomMatrix(m, k, &rng)
            let b: Matrix<T> = transposeB ? randomMatrix(n, k, &rng) : randomMatrix(k, n, &rng)
            var c = Matrix<T>(rows: 0, cols: 0)
            Matrix.multiply(a, transposeA: transposeA, b, transposeB: transposeB, into: &c)
            let expected = naiveProduct(a, transposeA: transposeA, b, transposeB: transposeB)
            #expect(c.rows == m && c.cols == n)
            // Sums of k products of numbers in [-1, 1): error grows like √k·ulp.
            #expect(maxError(c.storage, expected.storage) < T.tolerance * T(k).squareRoot() * 10,
                    "(\(m), \(n), \(k)) transposeA \(transposeA) transposeB \(transposeB)")
        }
    }

    @Test("alpha and beta: C ← α·A·B + β·C")
    func alphaBeta() {
        var rng = SeededGenerator(seed: 3)
        for (m, n, k) in [(2, 2, 2), (40, 30, 20)] {
            let a: Matrix<Double> = randomMatrix(m, k, &rng)
            let b: Matrix<Double> = randomMatrix(k, n, &rng)
            let c0: Matrix<Double> = randomMatrix(m, n, &rng)
            var c = c0
            Matrix.multiply(a, b, into: &c, alpha: 2, beta: 0.5)
            let ab = naiveProduct(a, transposeA: false, b, transposeB: false)
            let expected = zip(ab.storage, c0.storage).map { 2 * $0 + 0.5 * $1 }
            #expect(maxError(c.storage, expected) < 1e-12)
        }
    }

    @Test("resize keeps the allocation when shrinking and growing back")
    func resizeReuses() {
        var m = Matrix<Float>(rows: 64, cols: 10)
        let address = m.storage.withUnsafeBufferPointer { $0.baseAddress }
        m.resize(rows: 16, cols: 10)
        m.resize(rows: 64, cols: 10)
        #expect(m.storage.count == 640)
        #expect(m.storage.withUnsafeBufferPointer { $0.baseAddress } == address)
    }

    @Test("rows, nested and transposed")
    func layout() {
        let m = Matrix<Float>([[1, 2, 3], [4, 5, 6]])
        #expect(m[1, 2] == 6)
        #expect(m.row(1) == [4, 5, 6])
        #expect(m.nested == [[1, 2, 3], [4, 5, 6]])
        #expect(m.transposed.nested == [[1, 4], [2, 5], [3, 6]])
    }

    @Test("column sums (db = Σ_batch δ): the bits of summing each column from row 0 down, on 1 and 2 threads",
          arguments: [(1, 1), (3, 5), (64, 128), (128, 10), (0, 4)], [1, 2])
    func columnSums(shape: (rows: Int, cols: Int), threads: Int) {
        var rng = SeededGenerator(seed: 3)
        let m = Matrix<Float>(rows: shape.rows, cols: shape.cols,
                              storage: (0..<(shape.rows * shape.cols)).map { _ in Float(rng.normal() * 1e3) })
        var expected = [Float](repeating: 0, count: shape.cols)
        for j in 0..<shape.cols {
            var sum: Float = 0
            for r in 0..<shape.rows { sum += m[r, j] }
            expected[j] = sum
        }
        var out = [Float](repeating: .nan, count: shape.cols)
        Parallel.withThreads(threads) { m.sumRows(into: &out) }
        #expect(out.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
