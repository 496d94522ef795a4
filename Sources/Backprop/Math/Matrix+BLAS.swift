// The one file that talks to BLAS: OpenBLAS (CBLAS) on Linux, Accelerate on Apple platforms.
import RealModule
#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

extension Float: Scalar {
    /// `C ← α·op(A)·op(B) + β·C` in single precision (`cblas_sgemm`).
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    blasInt(m), blasInt(n), blasInt(k), alpha, a, blasInt(lda),
                    b, blasInt(ldb), beta, c, blasInt(ldc))
    }
}

extension Double: Scalar {
    /// `C ← α·op(A)·op(B) + β·C` in double precision (`cblas_dgemm`).
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    blasInt(m), blasInt(n), blasInt(k), alpha, a, blasInt(lda),
                    b, blasInt(ldb), beta, c, blasInt(ldc))
    }
}

#if canImport(Accelerate)
@usableFromInline typealias BLASInt = Int32
#else
@usableFromInline typealias BLASInt = blasint
#endif

@usableFromInline
func blasInt(_ value: Int) -> BLASInt { BLASInt(value) }

/// The BLAS library's own threads.
public enum BLAS {
    /// Sets how many threads BLAS may use for one product (OpenBLAS; Accelerate decides itself).
    /// Backprop splits its products itself (``Parallel``) and keeps OpenBLAS at one thread.
    public static func setThreads(_ count: Int) {
        #if !canImport(Accelerate)
        openblas_set_num_threads(Int32(count))
        #endif
    }

    /// OpenBLAS at one thread per call, set once before the first product.
    static let singleThreaded: Void = setThreads(1)
}

extension Matrix {
    /// `C ← α·op(A)·op(B) + β·C`, resizing `c` to (rows of op(A), cols of op(B)) when `β = 0`.
    ///
    /// `op(X)` is `Xᵀ` when the matching `transpose` flag is set. For example the dense layer's
    /// forward pass `z = a_prev·Wᵀ` is `multiply(aPrev, w, transposeB: true, into: &z)`.
    ///
    /// Products too small for BLAS to pay off (fewer than `smallProductLimit` multiply-adds, e.g.
    /// the tutorial's 2-2-1 network) run a plain loop here instead; both paths are checked
    /// against the naive reference in the tests.
    public static func multiply(
        _ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false,
        into c: inout Matrix, alpha: T = 1, beta: T = 0
    ) {
        let (m, k) = transposeA ? (a.cols, a.rows) : (a.rows, a.cols)
        let (kb, n) = transposeB ? (b.cols, b.rows) : (b.rows, b.cols)
        precondition(k == kb, "inner dimensions differ: op(A) is (\(m), \(k)), op(B) is (\(kb), \(n))")
        if beta == 0 {
            if c.rows != m || c.cols != n { c.resize(rows: m, cols: n) }
        } else {
            precondition(c.rows == m && c.cols == n, "C is (\(c.rows), \(c.cols)), expected (\(m), \(n))")
        }
        if m == 0 || n == 0 { return }
        let lda = a.cols, ldb = b.cols, ldc = n
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    let pa = pa.baseAddress!, pb = pb.baseAddress!, pc = pc.baseAddress!
                    if k == 0 {
                        for i in 0..<(m * n) { pc[i] = beta == 0 ? 0 : beta * pc[i] }
                    } else if m * n * k < smallProductLimit || Parallel.parts(work: m * n * k) <= 1 {
                        product(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                alpha: alpha, a: pa, lda: lda, b: pb, ldb: ldb, beta: beta, c: pc, ldc: ldc)
                    } else {
                        splitProduct(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                     alpha: alpha, a: pa, lda: lda, b: pb, ldb: ldb, beta: beta, c: pc, ldc: ldc)
                    }
                }
            }
        }
    }

    /// `C ← α·op(A)·op(B) + β·C` on raw buffers (k ≥ 1), in the calling thread: a plain loop
    /// when tiny (as ``multiply(_:transposeA:_:transposeB:into:alpha:beta:)``), else one BLAS call.
    static func product(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: T, a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if m * n * k < smallProductLimit {
            smallProduct(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                         alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        } else {
            _ = BLAS.singleThreaded
            T.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                   a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// ``Parallel/threads`` BLAS products at once (``multiply(_:transposeA:_:transposeB:into:alpha:beta:)``
    /// calls this only when the product splits in two or more parts) on blocks of C: its columns
    /// when n ≥ m (each part packs all of op(A), the smaller operand, and its own columns of
    /// op(B)), else its rows. Each element of C is the same sum over k as in one call.
    static func splitProduct(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: T, a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        _ = BLAS.singleThreaded
        let parts = Parallel.parts(work: m * n * k)
        let columns = n >= m
        Parallel.run(parts) { part in
            let r = Parallel.range(part, of: parts, count: columns ? n : m, block: 16)
            guard !r.isEmpty else { return }
            if columns {            // C[:, r] = op(A)·op(B)[:, r]
                T.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: r.count, k: k, alpha: alpha,
                       a: a, lda: lda, b: b + (transposeB ? r.lowerBound * ldb : r.lowerBound), ldb: ldb,
                       beta: beta, c: c + r.lowerBound, ldc: ldc)
            } else {                // C[r, :] = op(A)[r, :]·op(B)
                T.gemm(transposeA: transposeA, transposeB: transposeB, m: r.count, n: n, k: k, alpha: alpha,
                       a: a + (transposeA ? r.lowerBound : r.lowerBound * lda), lda: lda, b: b, ldb: ldb,
                       beta: beta, c: c + r.lowerBound * ldc, ldc: ldc)
            }
        }
    }

    /// Below this many multiply-adds a product runs as a plain loop rather than a BLAS call.
    public static var smallProductLimit: Int { 512 }

    /// The plain-loop product used for tiny matrices: `C[i][j] = α·Σ_p op(A)[i][p]·op(B)[p][j] + β·C[i][j]`.
    static func smallProduct(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: T, a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: T = 0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += x * y
                }
                c[i * ldc + j] = beta == 0 ? alpha * sum : alpha * sum + beta * c[i * ldc + j]
            }
        }
    }
}
