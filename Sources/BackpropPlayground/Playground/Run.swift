import Backprop
import Foundation

/// One playground training run: a ``TrainingRun`` of the settings' plan — the same seeds,
/// splits, preprocessing and batches as `backprop train` with the options of
/// ``PlaygroundSettings/commandLine(epochs:)``, so after `n` epochs both hold the same weights —
/// plus what the page draws: the raw points and each epoch's loss on both sets.
///
/// ```swift
/// var run = try PlaygroundRun(settings: PlaygroundSettings())
/// run.step()                       // one batch
/// run.trainEpoch()                 // the rest of the epoch
/// let trace = run.nextStepTrace()  // the next step, hand by hand (what `backprop explain` gives)
/// ```
public struct PlaygroundRun: Sendable {
    public let settings: PlaygroundSettings
    /// The run itself: data, network, optimizer, batches, snapshot and divergence.
    public private(set) var training: TrainingRun<Float>
    /// Training and test samples raw, for drawing.
    public let rawTrain: Matrix<Float>, rawTest: Matrix<Float>
    /// Loss per sample and accuracy on the whole training and test sets after each epoch (epoch
    /// 0: the start), from one evaluation pass of each set.
    public private(set) var history: [Measurement] = []

    /// One epoch's measurements.
    public struct Measurement: Sendable {
        public var epoch: Int
        public var train: Double, test: Double
        public var trainAccuracy: Double, testAccuracy: Double
    }

    /// Makes the data (generated from the seed, or the uploaded CSV) and the run of the plan.
    public init(settings: PlaygroundSettings) throws(PlaygroundError) {
        self.settings = settings
        let plan = settings.plan
        var data: TrainingData<Float>? = nil
        if ToySets.Shape(rawValue: settings.data) == nil {
            let set: Dataset<Float>
            do { set = try Dataset<Float>.csv(settings.csv ?? "", options: CSVOptions(), file: settings.csvName) } catch {
                throw PlaygroundError("\(error)")
            }
            guard set.features == 2 else { throw PlaygroundError("\(settings.csvName): the playground needs 2 feature columns and a label; this file has \(set.features) features") }
            guard set.isClassification, set.outputs == 2 else {
                throw PlaygroundError("\(settings.csvName): the playground draws 2 classes; this file has \(set.isClassification ? "\(set.outputs) classes" : "numeric (regression) labels")")
            }
            data = TrainingData(name: settings.csvName, train: set)
        }
        do { training = try TrainingRun(plan: plan, data: data) } catch let error as PlanError {
            throw PlaygroundSettings.refusal(error)
        } catch { throw PlaygroundError("\(error)") }
        guard let test = training.test else { throw PlaygroundError("testSplit: no test set") }
        var (a, b) = (training.train.x, test.x)
        training.preprocessing?.unapply(to: &a)
        training.preprocessing?.unapply(to: &b)
        (rawTrain, rawTest) = (a, b)
        history = [measure()]
    }

    public var network: Network<Float> { training.network }
    public var optimizer: Optimizer<Float> { training.optimizer }
    public var train: Dataset<Float> { training.train }
    public var test: Dataset<Float> { training.test ?? training.train }
    public var preprocessing: Preprocessing? { training.preprocessing }
    /// Epochs completed, the next batch of the current epoch (0-based), and steps taken.
    public var epochsDone: Int { training.epochsDone }
    public var nextBatch: Int { training.nextBatch }
    public var steps: Int { training.steps }
    /// The loss of the last batch, before its update.
    public var lastBatchLoss: Double? { training.lastBatchLoss }
    /// Set when a step made a loss or a parameter non-finite; training then stops, and the
    /// network and optimizer are back as they were at the end of the last good epoch.
    public var divergence: String? {
        training.divergence.map { d in
            let loss = training.lastBatchLoss ?? .nan
            return (loss.isFinite ? "\(d.place) became NaN or infinite in epoch \(d.epoch)"
                                  : "the loss became \(loss) at epoch \(d.epoch), batch \(d.batch) (\(d.place) first)")
                + "; the weights of epoch \(d.restoredEpoch) are back. Lower the learning rate, or reset"
        }
    }
    /// Batches per epoch.
    public var batchesPerEpoch: Int { training.batchesPerEpoch }
    /// The sample indices (into `train`) of the next step's batch.
    public var nextBatchIndices: ArraySlice<Int> { training.nextBatchIndices }

    /// One step on the next batch; at the end of an epoch, both sets are measured. Returns false
    /// (and does nothing) once training has diverged.
    @discardableResult
    public mutating func step() -> Bool {
        guard let report = training.step(), report.divergence == nil else { return false }
        if report.endedEpoch != nil { history.append(measure()) }
        return true
    }

    /// Steps to the end of the current epoch.
    public mutating func trainEpoch() {
        let epoch = epochsDone
        while epochsDone == epoch && step() {}
    }

    /// Loss and accuracy of the current network on the training and test sets.
    func measure() -> Measurement {
        let (a, b) = (Evaluation(network: network, data: train), Evaluation(network: network, data: test))
        return Measurement(epoch: epochsDone, train: a.loss, test: b.loss, trainAccuracy: a.accuracy ?? 0, testAccuracy: b.accuracy ?? 0)
    }

    /// The model file of the current weights, with the scaling and the settings that made it.
    public var model: ModelFile<Float> {
        var plan = settings.plan
        plan.epochs = max(epochsDone, 1)
        var training = plan.json.members ?? []
        training += [("epochs_done", .number(epochsDone)), ("steps", .number(steps)),
                     ("command", .string(settings.commandLine(epochs: epochsDone)))]
        if nextBatch > 0 { training.append(("batches_into_next_epoch", .number(nextBatch))) }
        return ModelFile(network: network, classes: train.classNames, preprocessing: preprocessing, training: training)
    }

    /// A number as `backprop explain` reads it from a file or an option: the decimal text that
    /// Backprop writes for the Float, read as a Double.
    static func asWritten(_ v: Float) -> Double { Double(v.description)! }

    /// The next step's batch as `backprop explain` gets it from `--input`/`--target`, in Double.
    public func nextBatchAsWritten() -> (x: Matrix<Double>, y: Matrix<Double>) {
        let rows = Array(nextBatchIndices)
        return (Matrix(rows.map { r in (0..<2).map { Self.asWritten(train.x[r, $0]) } }),
                Matrix(rows.map { r in (0..<2).map { Self.asWritten(train.y[r, $0]) } }))
    }

    /// The network as `backprop explain --model` reads the exported model file: in Double, from
    /// the file's decimals.
    public var networkAsWritten: Network<Double> {
        (try? ModelFile<Double>(text: ModelFile(network: network).text).network) ?? Network(converting: network)
    }

    /// The next step recorded hand by hand in Double — exactly what `backprop explain` prints for
    /// the exported model and ``explainCommand``'s batch. (With adam, momentum or weight decay
    /// the optimizer's own update differs from the plain `W − η·dW` shown.)
    public func nextStepTrace() -> StepTrace {
        let (bx, by) = nextBatchAsWritten()
        return StepTrace.record(network: networkAsWritten, input: bx, target: by, learningRate: settings.learningRate)
    }

    /// `backprop explain` for the next step, on the exported model saved as `model`.
    public func explainCommand(model: String = "model.json") -> String {
        let (bx, by) = (nextBatchIndices.map { r in (0..<2).map { train.x[r, $0].description }.joined(separator: ",") },
                        nextBatchIndices.map { r in (0..<2).map { train.y[r, $0].description }.joined(separator: ",") })
        var parts = ["backprop", "explain", "--model", model, "--lr", PlaygroundSettings.short(settings.learningRate)]
        for (i, t) in zip(bx, by) { parts += ["--input", i, "--target", t] }
        return parts.joined(separator: " ")
    }
}
