/// The data a run trains on, as loaded from its source: the training samples, the source's own
/// test set (or the `test` file's), and the scaling the format itself implies (IDX bytes / 255).
///
/// ```swift
/// let data: TrainingData<Float> = try TrainingPlan(data: "spiral").loadData()
/// data.train.count       // 500
/// ```
public struct TrainingData<T: Scalar>: Sendable {
    /// A short description for reports: `fashion-mnist`, `spiral (500 points, noise 0.1)`, the path.
    public var name: String
    public var train: Dataset<T>
    public var test: Dataset<T>?
    /// The preprocessing the format implies, used instead of the plan's `scale`.
    public var fixedScale: Preprocessing?

    public init(name: String, train: Dataset<T>, test: Dataset<T>? = nil, fixedScale: Preprocessing? = nil) {
        self.name = name
        self.train = train
        self.test = test
        self.fixedScale = fixedScale
    }
}

extension TrainingPlan {
    /// The source `data` names, with the plan's CSV options and generated-set settings.
    public func dataSource() throws(DataError) -> DataSource {
        try DataSource.named(data, csv: csvOptions, toyCount: samples, noise: noise, seed: seeds.data)
    }

    /// Loads `data` (and `test`): the training samples, and the test set — `test`'s file, else
    /// the source's own test split unless `testSplit` will split one off the training data.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func loadData<T: Scalar>(as: T.Type = T.self) throws(DataError) -> TrainingData<T> {
        let source = try dataSource()
        var (train, test, fixed) = try source.load(as: T.self, testSplit: testSplit == nil && self.test == nil)
        if let path = self.test {
            switch try DataSource.named(path, csv: csvOptions) {
            case let .csv(p, options): test = try DataSource.csvFile(p, options: options, classNames: train.classNames)
            case let other: test = try other.load(as: T.self, testSplit: false).train
            }
            guard let t = test, t.features == train.features && t.outputs == train.outputs else {
                throw DataError("--test \(path) has \(test?.features ?? 0) features and \(test?.outputs ?? 0) outputs; the training data has \(train.features) and \(train.outputs)")
            }
        }
        return TrainingData(name: source.name, train: train, test: test, fixedScale: fixed)
    }
}
