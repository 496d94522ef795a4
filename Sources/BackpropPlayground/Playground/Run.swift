import Backprop
import Foundation

/// One playground training run: the data, the network and its optimizer, trained one batch at a
/// time with the library's own `trainStep` — the same seeds, splits, preprocessing and batches as
/// `backprop train` with the options of ``PlaygroundSettings/commandLine(epochs:)``, so after
/// `n` epochs both hold the same weights.
///
/// ```swift
/// var run = try PlaygroundRun(settings: PlaygroundSettings())
/// run.step()                       // one batch
/// run.trainEpoch()                 // the rest of the epoch
/// let trace = run.nextStepTrace()  // the next step, hand by hand (what `backprop explain` gives)
/// ```
public struct PlaygroundRun: Sendable {
    public let settings: PlaygroundSettings
    public private(set) var network: Network<Float>
    public private(set) var optimizer: Optimizer<Float>
    /// Training and test samples as the network sees them (after preprocessing), and raw, for drawing.
    public let train: Dataset<Float>, test: Dataset<Float>
    public let rawTrain: Matrix<Float>, rawTest: Matrix<Float>
    public let preprocessing: Preprocessing?
    private var batches: MiniBatches
    private var x: Matrix<Float>          // (B, 2)
    private var y: Matrix<Float>          // (B, 2)
    /// Epochs completed, and the next batch of the current epoch (0-based).
    public private(set) var epochsDone = 0, nextBatch = 0
    /// Steps taken in all.
    public private(set) var steps = 0
    /// Loss per sample and accuracy on the whole training and test sets after each epoch (epoch
    /// 0: the start), from one evaluation pass of each set.
    public private(set) var history: [Measurement] = []

    /// One epoch's measurements.
    public struct Measurement: Sendable {
        public var epoch: Int
        public var train: Double, test: Double
        public var trainAccuracy: Double, testAccuracy: Double
    }
    /// The loss of the last batch, before its update.
    public private(set) var lastBatchLoss: Double? = nil
    /// Set when a step made a loss or a parameter non-finite; training then stops, and the
    /// network and optimizer are put back as they were at the end of the last good epoch.
    public private(set) var divergence: String? = nil
    /// The parameters at the end of the last good epoch (for divergence), copied into buffers of
    /// their own as `fit` keeps them, and that epoch.
    private var lastGood: [(weights: [Float], biases: [Float])] = []
    private var lastGoodEpoch = 0

    /// Makes the data (generated from the seed, or the uploaded CSV), splits off the test set,
    /// fits the input scaling on the training part, and draws the network.
    public init(settings: PlaygroundSettings) throws(PlaygroundError) {
        self.settings = settings
        let seeds = TrainingSeeds(settings.seed)
        var data: Dataset<Float>
        if let shape = ToySets.Shape(rawValue: settings.data) {
            data = ToySets.make(shape, count: settings.samples, noise: settings.noise, seed: seeds.weights, as: Float.self)
        } else {
            do { data = try Dataset<Float>.csv(settings.csv ?? "", options: CSVOptions(), file: settings.csvName) } catch {
                throw PlaygroundError("\(error)")
            }
            guard data.features == 2 else { throw PlaygroundError("\(settings.csvName): the playground needs 2 feature columns and a label; this file has \(data.features) features") }
            guard data.isClassification, data.outputs == 2 else {
                throw PlaygroundError("\(settings.csvName): the playground draws 2 classes; this file has \(data.isClassification ? "\(data.outputs) classes" : "numeric (regression) labels")")
            }
        }
        var test = data.splitOff(validationFraction: settings.testSplit, seed: seeds.testSplit)
        guard data.count > 0 && test.count > 0 else {
            throw PlaygroundError("test split \(settings.testSplit) leaves \(data.count) training and \(test.count) test samples")
        }
        (rawTrain, rawTest) = (data.x, test.x)
        preprocessing = settings.scale.map { Preprocessing.fit($0, to: data.x) }
        if let preprocessing {
            preprocessing.apply(to: &data.x)
            preprocessing.apply(to: &test.x)
        }
        (train, self.test) = (data, test)
        network = Network(activations: settings.activations + [settings.output], sizes: settings.sizes,
                          loss: settings.effectiveLoss, reduction: .mean, seed: seeds.weights)
        optimizer = Optimizer(settings.optimizer, learningRate: Float(settings.learningRate), weightDecay: Float(settings.weightDecay))
        batches = MiniBatches(count: data.count, batchSize: settings.batch, shuffle: true, seed: seeds.shuffle)
        batches.startEpoch()
        x = Matrix(rows: settings.batch, cols: 2)
        y = Matrix(rows: settings.batch, cols: 2)
        lastGood = network.parameterCopies()
        history = [measure()]
    }

    /// Stops training with `reason`, back at the last good epoch's parameters (training stays
    /// stopped until a new run, so the optimizer's state is not needed again).
    private mutating func diverged(_ reason: String) {
        network.restoreParameters(from: lastGood)
        divergence = reason + "; the weights of epoch \(lastGoodEpoch) are back. Lower the learning rate, or reset"
    }

    /// Batches per epoch.
    public var batchesPerEpoch: Int { batches.count }

    /// The sample indices (into `train`) of the next step's batch.
    public var nextBatchIndices: ArraySlice<Int> { batches.indices(nextBatch) }

    /// One step on the next batch; at the end of an epoch, both sets are measured and the next
    /// epoch's batches are drawn. Returns false (and does nothing) once training has diverged.
    @discardableResult
    public mutating func step() -> Bool {
        guard divergence == nil else { return false }
        let indices = batches.indices(nextBatch)
        x.gatherRows(of: train.x, indices)
        y.gatherRows(of: train.y, indices)
        let loss = Double(network.trainStep(x, y, optimizer: &optimizer))
        steps += 1
        lastBatchLoss = loss
        guard loss.isFinite else {
            diverged("the loss became \(loss) at epoch \(epochsDone + 1), batch \(nextBatch + 1)")
            return false
        }
        nextBatch += 1
        if nextBatch == batches.count {
            epochsDone += 1
            nextBatch = 0
            batches.startEpoch()
            let measured = measure()
            history.append(measured)
            if !(measured.train.isFinite && measured.test.isFinite) || network.firstNonFiniteParameter() != nil {
                history.removeLast()
                diverged("a weight or the loss became NaN or infinite in epoch \(epochsDone)")
                epochsDone -= 1
                return false
            }
            network.copyParameters(into: &lastGood)
            lastGoodEpoch = epochsDone
        }
        return true
    }

    /// Steps to the end of the current epoch.
    public mutating func trainEpoch() {
        let epoch = epochsDone
        while epochsDone == epoch && step() {}
    }

    /// Loss and accuracy of the current network on the training and test sets.
    func measure() -> Measurement {
        var net = network
        let (a, b) = (Evaluation(network: &net, data: train), Evaluation(network: &net, data: test))
        return Measurement(epoch: epochsDone, train: a.loss, test: b.loss, trainAccuracy: a.accuracy ?? 0, testAccuracy: b.accuracy ?? 0)
    }

    /// The model file of the current weights, with the scaling and the settings that made it.
    public var model: ModelFile<Float> {
        var training: [(key: String, value: JSON)] = [("command", .string(settings.commandLine(epochs: epochsDone))),
                                                      ("epochs", .number(epochsDone)), ("steps", .number(steps))]
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
