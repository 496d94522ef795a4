import RealModule

/// Samples as rows: inputs `x` (N, features) and targets `y` (N, outputs).
///
/// For classification `y` is one-hot (one column per class) and `classNames` names the classes;
/// for regression `y` holds the target values and `classNames` is nil.
///
/// ```swift
/// var data = try Dataset<Float>.csv(text, options: CSVOptions(), file: "data.csv")
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

    /// Two classes as one target column, `y = 1` for the second class: the data of a network
    /// with one sigmoid output (binary cross-entropy). Other data are returned as they are.
    ///
    /// ```swift
    /// let pairs = try Dataset<Float>.csv("x,label\n0,no\n1,yes\n", file: "yes-no.csv").asOneOutput()
    /// pairs.outputs      // 1; pairs.classNames == ["no", "yes"]
    /// ```
    public func asOneOutput() -> Dataset {
        guard isClassification, outputs == 2 else { return self }
        let column = Matrix(rows: count, cols: 1, storage: (0..<count).map { y[$0, 1] })
        return Dataset(x: x, y: column, classNames: classNames, featureNames: featureNames)
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
