/// A run's model beside another model file — the one a save would replace — measured on the
/// same samples, so that a save need never replace a model with a worse one.
///
/// | task            | the other model is better when it has                                   |
/// |-----------------|-------------------------------------------------------------------------|
/// | classes         | a higher accuracy; at the same accuracy, a lower loss (same loss only)  |
/// | numbers         | a lower loss, where both compute the same loss the same way             |
///
/// Anything else (another network's inputs or outputs, other class names, numbers under another
/// loss) cannot be compared: ``TrainingRun/compare(with:)`` gives nil, and the save goes ahead.
public struct ModelComparison: Sendable {
    /// The samples both were measured on: "the test set" or "the training set".
    public var samples: String
    /// This run's model, and the other one.
    public var this, other: Evaluation
    /// Whether the other model does better (see the table above).
    public var otherIsBetter: Bool

    /// `network` on `data` beside `other` on the same samples, given as `raw` inputs (what
    /// `other` computes its features and scaling from; `data.x` is what `network` takes); nil
    /// when the two cannot be compared. An `other` whose loss is not finite there is never better.
    public init?<T: Scalar>(_ network: Network<T>, classes: [String]?, on data: Dataset<T>, raw: Matrix<T>,
                            with other: ModelFile<T>, samples: String) {
        guard other.inputSize == raw.cols, raw.rows == data.count, other.network.outputSize == network.outputSize,
              other.classes == classes else { return nil }
        let sameLoss = other.network.loss == network.loss && other.network.reduction == network.reduction
        guard data.isClassification || sameLoss else { return nil }
        var theirs = data
        theirs.x = other.prepared(raw)
        (self.samples, this, self.other) = (samples, Evaluation(network: network, data: data), Evaluation(network: other.network, data: theirs))
        if !self.other.loss.isFinite {
            otherIsBetter = false
        } else if let a = self.other.accuracy, let b = this.accuracy, a != b {
            otherIsBetter = a > b
        } else {
            otherIsBetter = sameLoss && self.other.loss < this.loss
        }
    }
}

extension TrainingRun {
    /// This run's model and `other` on the run's test set (without one, its training set), each
    /// through its own features and scaling from the raw inputs; nil when they cannot be compared.
    public func compare(with other: ModelFile<T>) -> ModelComparison? {
        if let test, let raw = rawTestInputs {
            return ModelComparison(network, classes: train.classNames, on: test, raw: raw, with: other, samples: "the test set")
        }
        return ModelComparison(network, classes: train.classNames, on: train, raw: rawTrainInputs, with: other, samples: "the training set")
    }
}
