import Foundation

/// A run's model beside another model file — the one a save would replace — measured on the
/// same samples, so that a save need never replace a model with a worse one.
///
/// | task            | the other model is better when it has                                   |
/// |-----------------|-------------------------------------------------------------------------|
/// | classes         | a higher accuracy; at the same accuracy, a lower loss (same loss only)  |
/// | numbers         | a lower loss, where both compute the same loss the same way             |
///
/// A model whose loss is not finite there is never better, and always worse than a finite one.
/// Anything else (another network's inputs or outputs, other class names, numbers under another
/// loss) cannot be compared: the initializer gives nil.
public struct ModelComparison: Sendable {
    /// The samples both were measured on: "the test set", "the validation set", "XOR's four rows"…
    public var samples: String
    /// This run's model, and the other one.
    public var this, other: Evaluation
    /// Whether the other model does better (see the table above).
    public var otherIsBetter: Bool

    /// `network` on `data` beside `other` on the same samples, given as `raw` inputs (what
    /// `other` computes its features and scaling from; `data.x` is what `network` takes); nil
    /// when the two cannot be compared. `measured`: `network`'s evaluation on `data`, when it is
    /// at hand already. `other`'s inputs are prepared 1,000 rows at a time (no copy of the set).
    public init?<T: Scalar>(_ network: Network<T>, classes: [String]?, on data: Dataset<T>, raw: Matrix<T>,
                            with other: ModelFile<T>, samples: String, measured: Evaluation? = nil) {
        guard other.inputSize == raw.cols, raw.rows == data.count, data.count > 0, other.network.outputSize == network.outputSize,
              other.classes == classes else { return nil }
        let sameLoss = other.network.loss == network.loss && other.network.reduction == network.reduction
        guard data.isClassification || sameLoss else { return nil }
        this = measured ?? Evaluation(network: network, data: data)
        self.other = Self.evaluate(other, raw: raw, data: data)
        self.samples = samples
        let (a, b) = (self.other, this)
        if !a.loss.isFinite {
            otherIsBetter = false
        } else if !b.loss.isFinite {
            otherIsBetter = true
        } else if let accuracyA = a.accuracy, let accuracyB = b.accuracy, accuracyA != accuracyB {
            otherIsBetter = accuracyA > accuracyB
        } else {
            otherIsBetter = sameLoss && a.loss < b.loss
        }
    }

    /// `model` on the rows of `raw` (its inputs before its features and scaling), against `data.y`,
    /// in chunks: the loss per sample and the accuracy of the whole, as ``Evaluation`` gives them.
    static func evaluate<T: Scalar>(_ model: ModelFile<T>, raw: Matrix<T>, data: Dataset<T>, chunk: Int = 1000) -> Evaluation {
        var network = model.network
        var (loss, correct, start) = (0.0, 0.0, 0)
        var total: Evaluation? = nil
        while start < raw.rows {
            let rows = start..<min(start + chunk, raw.rows)
            let part = Evaluation(network: &network, data: Dataset(x: model.prepared(raw.rows(rows)), y: data.y.rows(rows),
                                                                    classNames: data.classNames), chunk: chunk)
            loss += part.loss * Double(part.count)
            correct += (part.accuracy ?? 0) * Double(part.count)
            total = part
            start = rows.upperBound
        }
        var result = total ?? Evaluation(network: &network, data: Dataset(x: model.prepared(raw), y: data.y, classNames: data.classNames))   // (no rows)
        result.count = raw.rows
        result.loss = loss / Double(max(raw.rows, 1))
        result.accuracy = result.accuracy.map { _ in correct / Double(max(raw.rows, 1)) }
        result.confusion = nil
        return result
    }
}

extension TrainingRun {
    /// This run's model and `other` on the run's test set (else its validation set, else its
    /// training set), each through its own features and scaling from the raw inputs; nil when
    /// they cannot be compared — also when `other` was not trained on the same split of the same
    /// data (its `training` section says how it was), unless the samples are a `--test` file:
    /// on another split, rows this run holds out may have been `other`'s training rows.
    /// `measured`: this run's model on its test set, when it is at hand already.
    public func compare(with other: ModelFile<T>, measured: Evaluation? = nil) -> ModelComparison? {
        let held = plan.map { $0.test != nil } ?? false
        if !held {
            guard let plan, let theirs = try? TrainingPlan(json: .object(other.training)), plan.drawsTheSameSamples(as: theirs) else { return nil }
        }
        let classes = train.classNames
        if let test, let raw = rawTestInputs {
            return ModelComparison(network, classes: classes, on: test, raw: raw, with: other, samples: "the test set", measured: measured)
        }
        if let validation, let preprocessing, features == nil {
            var raw = validation.x
            preprocessing.unapply(to: &raw)
            return ModelComparison(network, classes: classes, on: validation, raw: raw, with: other, samples: "the validation set")
        }
        return ModelComparison(network, classes: classes, on: train, raw: rawTrainInputs, with: other, samples: "the training set")
    }
}

extension TrainingPlan {
    /// Whether `other` loads the same data and splits it into the same training, validation and
    /// test rows: the same data (as the file system resolves it) and test file, generated
    /// points, data seed, CSV reading and split fractions. (Not the features or the scaling,
    /// which act on the rows after the split.)
    public func drawsTheSameSamples(as other: TrainingPlan) -> Bool {
        Self.samePlace(data, other.data) && (test == nil) == (other.test == nil) && Self.samePlace(test ?? "", other.test ?? "")
            && samples == other.samples && noise == other.noise && (dataSeed ?? seed) == (other.dataSeed ?? other.seed)
            && labelColumn == other.labelColumn && header == other.header && task == other.task && delimiter == other.delimiter
            && missing == other.missing && testSplit == other.testSplit && validationSplit == other.validationSplit
    }

    /// Whether two data paths name the same file (after symlinks, `.` and `..`), or are the same name.
    static func samePlace(_ a: String, _ b: String) -> Bool {
        a == b || (FileManager.default.fileExists(atPath: a) && canonicalPath(a) == canonicalPath(b))
    }
}
