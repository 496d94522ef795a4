/// A per-feature affine map applied to inputs before the network: `x' = (x − offset) / scale`.
///
/// | kind          | offset           | scale                            |
/// |---------------|------------------|----------------------------------|
/// | `standardize` | mean             | standard deviation (1 if it is 0) |
/// | `minmax`      | minimum          | maximum − minimum (1 if it is 0)  |
/// | `fixed`       | given            | given (e.g. 0 and 255 for image bytes) |
///
/// The statistics come from the training data only and are saved with the model, so
/// prediction applies exactly the same map.
///
/// ```swift
/// let prep = Preprocessing.fit(.standardize, to: train.x)
/// prep.apply(to: &train.x)
/// prep.apply(to: &test.x)     // the training statistics
/// ```
public struct Preprocessing: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case standardize, minmax, fixed
    }

    public var kind: Kind
    /// Subtracted from each feature.
    public var offset: [Double]
    /// Each feature is then divided by this.
    public var scale: [Double]

    public init(kind: Kind, offset: [Double], scale: [Double]) {
        precondition(offset.count == scale.count, "offset and scale differ in length")
        self.kind = kind
        self.offset = offset
        self.scale = scale
    }

    /// The statistics of `x` (N, features) for `kind` (`standardize` or `minmax`).
    @_specialize(exported: true, where T == Float)
    public static func fit<T: Scalar>(_ kind: Kind, to x: Matrix<T>) -> Preprocessing {
        precondition(kind != .fixed, "a fixed map has no statistics to fit")
        var offset = [Double](repeating: 0, count: x.cols), scale = offset
        let n = Double(max(x.rows, 1))
        for c in 0..<x.cols {
            switch kind {
            case .standardize:
                var sum = 0.0
                for r in 0..<x.rows { sum += Double(x[r, c]) }
                let mean = sum / n
                var squares = 0.0
                for r in 0..<x.rows { let d = Double(x[r, c]) - mean; squares += d * d }
                let std = (squares / n).squareRoot()
                (offset[c], scale[c]) = (mean, std > 0 ? std : 1)
            case .minmax, .fixed:
                var lo = Double.infinity, hi = -Double.infinity
                for r in 0..<x.rows { lo = min(lo, Double(x[r, c])); hi = max(hi, Double(x[r, c])) }
                if x.rows == 0 { (lo, hi) = (0, 1) }
                (offset[c], scale[c]) = (lo, hi > lo ? hi - lo : 1)
            }
        }
        return Preprocessing(kind: kind, offset: offset, scale: scale)
    }

    /// Applies the map to every row of `x` in place.
    @_specialize(exported: true, where T == Float)
    public func apply<T: Scalar>(to x: inout Matrix<T>) {
        precondition(x.cols == offset.count, "data has \(x.cols) features, preprocessing \(offset.count)")
        let cols = x.cols
        let o = offset.map { T($0) }, inv = scale.map { 1 / T($0) }
        x.storage.withUnsafeMutableBufferPointer { p in
            o.withUnsafeBufferPointer { o in
                inv.withUnsafeBufferPointer { inv in
                    var start = 0
                    while start < p.count {
                        for c in 0..<cols { p[start + c] = (p[start + c] - o[c]) * inv[c] }
                        start += cols
                    }
                }
            }
        }
    }

    /// The inverse map, `x = x' · scale + offset`: back to raw values (for plots).
    public func unapply<T: Scalar>(to x: inout Matrix<T>) {
        precondition(x.cols == offset.count, "data has \(x.cols) features, preprocessing \(offset.count)")
        for r in 0..<x.rows {
            for c in 0..<x.cols { x[r, c] = x[r, c] * T(scale[c]) + T(offset[c]) }
        }
    }
}
