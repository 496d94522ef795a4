/// A dense row-major matrix of `rows × cols` scalars. A batch is a matrix: one row per sample.
///
/// Element `(r, c)` is `storage[r * cols + c]`. Resizing keeps the allocated capacity, so a
/// training loop that reuses its matrices allocates nothing after the first batch.
///
/// ```swift
/// var x = Matrix<Float>([[0, 0], [0, 1], [1, 0], [1, 1]])   // (batch 4, in 2)
/// x[1, 1]        // 1
/// x.row(2)       // [1, 0]
/// ```
public struct Matrix<T: Scalar>: Equatable, Sendable {
    /// Number of rows (samples, for a batch).
    public private(set) var rows: Int
    /// Number of columns (features or neurons).
    public private(set) var cols: Int
    /// The elements, row after row; `storage.count == rows * cols`.
    public internal(set) var storage: [T]

    /// A `rows × cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: T = 0) {
        precondition(rows >= 0 && cols >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.storage = Matrix.storage(count: rows * cols, repeating: value)
    }

    /// A `rows × cols` matrix over `storage` (row-major, `rows * cols` elements).
    public init(rows: Int, cols: Int, storage: [T]) {
        precondition(rows >= 0 && cols >= 0 && storage.count == rows * cols,
                     "storage holds \(storage.count) elements, (\(rows), \(cols)) needs \(rows * cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A matrix from its rows; every row must have the same length.
    public init(_ nested: [[T]]) {
        let cols = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == cols }, "rows of different lengths")
        self.init(rows: nested.count, cols: cols, storage: nested.flatMap { $0 })
    }

    /// The element in row `r`, column `c`.
    public subscript(r: Int, c: Int) -> T {
        get { storage[r * cols + c] }
        set { storage[r * cols + c] = newValue }
    }

    /// Row `r` as an array.
    public func row(_ r: Int) -> [T] { Array(storage[(r * cols)..<((r + 1) * cols)]) }

    /// The rows as nested arrays, e.g. for a model file's `weights`.
    public var nested: [[T]] { (0..<rows).map(row) }

    /// `(rows, cols)`, for messages and checks.
    public var shape: (rows: Int, cols: Int) { (rows, cols) }

    /// Makes this a `rows × cols` matrix, reusing the allocation when it is large enough.
    /// The contents are unspecified afterwards (callers overwrite them).
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public mutating func resize(rows: Int, cols: Int) {
        let count = rows * cols
        if storage.count > count {
            storage.removeLast(storage.count - count)
        } else if storage.count < count {
            if storage.capacity >= count {
                storage.append(contentsOf: repeatElement(0, count: count - storage.count))
            } else {
                storage = Matrix.storage(count: count, repeating: 0)     // a new allocation either way; one pass
            }
        }
        self.rows = rows
        self.cols = cols
    }

    /// The same matrix in another scalar type (exact from `Float` to `Double`).
    public init<U: Scalar>(converting other: Matrix<U>) {
        self.init(rows: other.rows, cols: other.cols, storage: other.storage.map { T($0) })
    }

    /// The transpose, a new (cols, rows) matrix.
    public var transposed: Matrix<T> {
        var t = Matrix(rows: cols, cols: rows)
        for r in 0..<rows { for c in 0..<cols { t[c, r] = self[r, c] } }
        return t
    }

    /// Each row divided by its sum (rows of positive numbers become probability distributions).
    public var rowsNormalized: Matrix<T> {
        var m = self
        for r in 0..<rows {
            let sum = row(r).reduce(0, +)
            for c in 0..<cols { m[r, c] /= sum }
        }
        return m
    }
}
