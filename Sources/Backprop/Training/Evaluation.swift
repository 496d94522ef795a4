/// Loss, accuracy and confusion matrix of a network on a data set.
///
/// `loss` is the mean loss per sample (whatever the network's reduction); `accuracy` the share of
/// samples whose predicted class (largest output, or `a > 0.5` for a single output) is the
/// target's; `confusion[t][p]` counts samples of true class `t` predicted as `p`.
///
/// ```swift
/// let result = Evaluation(network: net, data: test)
/// result.accuracy     // e.g. 0.8765
/// ```
public struct Evaluation: Sendable {
    public var count: Int
    public var loss: Double
    public var accuracy: Double?
    public var confusion: [[Int]]?

    /// Evaluates `network` on `data` in chunks of `chunk` rows, on a copy of the network (its
    /// forward buffers are the copy's).
    public init<T: Scalar>(network: Network<T>, data: Dataset<T>, chunk: Int = 1000) {
        var copy = network
        self.init(network: &copy, data: data, chunk: chunk)
    }

    /// Evaluates `network` in place (its buffers are reused: no copy), on `data` in chunks of `chunk` rows (the network's buffers grow to the
    /// chunk size once, and are reused).
    @_specialize(exported: true, where T == Float)
    public init<T: Scalar>(network: inout Network<T>, data: Dataset<T>, chunk: Int = 1000) {
        let classes = data.isClassification ? max(data.outputs, 2) : 0
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var lossSum = 0.0
        var correct = 0
        var batch = Matrix<T>(rows: 0, cols: data.features), target = Matrix<T>(rows: 0, cols: data.outputs)
        var start = 0
        while start < data.count {
            let end = min(start + chunk, data.count)
            batch.copyRows(of: data.x, start..<end)
            target.copyRows(of: data.y, start..<end)
            network.forward(batch)
            let loss = Double(network.computeLoss(target: target))
            lossSum += network.reduction == .mean ? loss * Double(end - start) : loss
            if data.isClassification {
                let output = network.output
                for r in 0..<(end - start) {
                    let (truth, guess) = (Evaluation.classOf(target, r), Evaluation.classOf(output, r))
                    confusion[truth][guess] += 1
                    if truth == guess { correct += 1 }
                }
            }
            start = end
        }
        self.count = data.count
        self.loss = lossSum / Double(max(data.count, 1))
        self.accuracy = data.isClassification ? Double(correct) / Double(max(data.count, 1)) : nil
        self.confusion = data.isClassification ? confusion : nil
    }

    /// The predicted class of row `r`: the largest column, or `a > 0.5` for a single column.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public static func classOf<T: Scalar>(_ m: Matrix<T>, _ r: Int) -> Int {
        m.cols == 1 ? (m[r, 0] > 0.5 ? 1 : 0) : m.argmax(row: r)
    }
}
