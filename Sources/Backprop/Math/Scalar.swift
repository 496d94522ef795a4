import CMath
import RealModule

/// The number types a network can compute in: `Float` for training, `Double` where precision is
/// the point (gradient checks, `explain` traces).
///
/// Every formula in Backprop is written once, generic over `Scalar`; the only per-type code is the
/// matrix product, which lives in `Matrix+BLAS.swift` (`sgemm` for `Float`, `dgemm` for `Double`).
///
/// ```swift
/// let net32 = Network<Float>.tutorial(seed: 42)
/// let net64 = Network<Double>(converting: net32)   // the same weights, exactly
/// ```
public protocol Scalar: BinaryFloatingPoint, Real, LosslessStringConvertible, SIMDScalar, Codable, Sendable {
    /// Row-major general matrix product `C ← α·op(A)·op(B) + β·C`, where `op(X)` is `X` or `Xᵀ`.
    ///
    /// `op(A)` is (m, k), `op(B)` is (k, n), `C` is (m, n); `lda`, `ldb`, `ldc` are the row strides
    /// of the matrices as stored.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// `√x` without C's errno side effect (NaN for x < 0), so that loops over it vectorise.
    static func vectorizableSquareRoot(_ x: Self) -> Self

    /// `tanh x`: written out for `Float` (vectorises, the same bits everywhere, ≤ 1.4 ulp; see
    /// `Float+Tanh.swift`), the C library's for `Double`.
    static func vectorizableTanh(_ x: Self) -> Self
}

extension Float {
    /// `√x` through an inline C builtin with no errno (see `backprop_math.h`).
    @inlinable @inline(__always)
    public static func vectorizableSquareRoot(_ x: Float) -> Float { backprop_sqrtf(x) }
}

extension Double {
    /// `√x` through an inline C builtin with no errno (see `backprop_math.h`).
    @inlinable @inline(__always)
    public static func vectorizableSquareRoot(_ x: Double) -> Double { backprop_sqrt(x) }
}
