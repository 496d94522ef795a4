import RealModule

/// Samples as rows: inputs `x` (N, features) and targets `y` (N, outputs).
///
/// For classification `y` is one-hot (one column per class) and `classNames` names the classes;
/// for regression `y` holds the target values and `classNames` is nil.
///
/// ```swift
/// let data = try Dataset<Float>.csv(text, options: CSVOptions())
/// let validation = data.splitOff(validationFraction: 0.1, seed: 1)
/// ```
public struct Dataset<T: Scalar>: Sendable {
    /// Inputs, (N, features).
    public var x: Matrix<T>
    /// Targets, (N, outputs): one-hot rows for classification.
    public var y: Matrix<T>
    /// Class names, index = class = column of `y`; nil for regression.
    public var classNames: [String]?
    /// Names of the input columns, when the source has them.
    public var featureNames: [String]?

    public init(x: Matrix<T>, y: Matrix<T>, classNames: [String]? = nil, featureNames: [String]? = nil) {
        precondition(x.rows == y.rows, "\(x.rows) inputs but \(y.rows) targets")
        self.x = x
        self.y = y
        self.classNames = classNames
        self.featureNames = featureNames
    }

    /// Number of samples N.
    public var count: Int { x.rows }
    /// Number of input features.
    public var features: Int { x.cols }
    /// Number of target columns (classes, for classification).
    public var outputs: Int { y.cols }
    /// Whether targets are classes.
    public var isClassification: Bool { classNames != nil }

    /// One-hot targets from class indices in `0..<classes`.
    public static func oneHot(_ labels: [Int], classes: Int) -> Matrix<T> {
        var y = Matrix<T>(rows: labels.count, cols: classes)
        for (r, label) in labels.enumerated() { y[r, label] = 1 }
        return y
    }

    /// The class of each row of `y` (the column of its largest value).
    public var labels: [Int] { (0..<count).map { y.argmax(row: $0) } }

    /// Shuffles the samples with `seed`, then moves the last `validationFraction` of them out into
    /// the returned data set; `self` keeps the rest. The rows are reordered in place, so no
    /// second copy of the training part is made.
    ///
    /// ```swift
    /// var train = try loadData()
    /// let validation = train.splitOff(validationFraction: 0.1, seed: 1)
    /// ```
    @_specialize(exported: true, where T == Float)
    public mutating func splitOff(validationFraction: Double, seed: UInt64) -> Dataset {
        var rng = SeededGenerator(seed: seed)
        let order = rng.permutation(count)
        x.permuteRows(order)
        y.permuteRows(order)
        let validationCount = Int((Double(count) * validationFraction).rounded())
        let trainCount = count - validationCount
        let validation = Dataset(x: x.rows(trainCount..<count), y: y.rows(trainCount..<count),
                                 classNames: classNames, featureNames: featureNames)
        x.resize(rows: trainCount, cols: x.cols)
        y.resize(rows: trainCount, cols: y.cols)
        return validation
    }
}

extension Matrix {
    /// The column of the largest value in row `r` (the first, on ties).
    @_specialize(exported: true, where T == Float)
    public func argmax(row r: Int) -> Int {
        var best = 0
        for c in 1..<max(cols, 1) where self[r, c] > self[r, best] { best = c }
        return best
    }

    /// A new matrix of the rows in `range`.
    @_specialize(exported: true, where T == Float)
    public func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, cols: cols, storage: Array(storage[(range.lowerBound * cols)..<(range.upperBound * cols)]))
    }

    /// Reorders the rows in place: row `i` becomes the old row `order[i]`.
    @_specialize(exported: true, where T == Float)
    public mutating func permuteRows(_ order: [Int]) {
        precondition(order.count == rows, "permutation of \(order.count) for \(rows) rows")
        var done = [Bool](repeating: false, count: rows)
        var saved = [T](repeating: 0, count: cols)
        let cols = self.cols
        storage.withUnsafeMutableBufferPointer { p in
            for start in 0..<rows where !done[start] {     // follow each cycle of the permutation
                for c in 0..<cols { saved[c] = p[start * cols + c] }
                var i = start
                while true {
                    done[i] = true
                    let from = order[i]
                    if from == start {
                        for c in 0..<cols { p[i * cols + c] = saved[c] }
                        break
                    }
                    for c in 0..<cols { p[i * cols + c] = p[from * cols + c] }
                    i = from
                }
            }
        }
    }
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
