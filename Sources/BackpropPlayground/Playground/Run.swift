import Backprop
import Foundation

/// One playground training run: a ``TrainingRun`` of the settings' plan — the same seeds,
/// splits, preprocessing and batches as `backprop train` with the options of
/// ``PlaygroundSettings/commandLine(epochs:save:)``, so after `n` epochs both hold the same weights —
/// plus what the page draws: the raw points and each epoch's loss on both sets.
///
/// ```swift
/// var run = try PlaygroundRun(settings: PlaygroundSettings())
/// run.step()                       // one batch
/// run.trainEpoch()                 // the rest of the epoch
/// let trace = run.nextStepTrace()  // the next step, hand by hand (what `backprop explain` gives)
/// ```
public struct PlaygroundRun: Sendable {
    /// The settings in force (after the live changes applied so far).
    public private(set) var settings: PlaygroundSettings
    /// The run itself: data, network, optimizer, batches, snapshot and divergence.
    public private(set) var training: TrainingRun<Float>
    /// Training and test samples raw (x1, x2), for drawing.
    public let rawTrain: Matrix<Float>, rawTest: Matrix<Float>
    /// Loss per sample and accuracy on the whole training and test sets after each epoch (epoch
    /// 0: the start), from one evaluation pass of each set.
    public private(set) var history: [Measurement] = []
    /// The settings of each stretch of the run: from epoch `epoch` on, `settings` (the first at
    /// epoch 0; one more for each live change, see ``change(to:)``).
    public private(set) var segments: [(epoch: Int, settings: PlaygroundSettings)]
    /// Settings asked for mid-epoch, in force when the epoch ends.
    public private(set) var pending: PlaygroundSettings? = nil
    /// Parameters set by hand (``edit(layer:neuron:from:to:)``), in words, for the export.
    public private(set) var edits: [String] = []

    /// One epoch's measurements (accuracies nil for regression; R² of the test set for regression).
    public struct Measurement: Sendable {
        public var epoch: Int
        public var train: Double, test: Double
        public var trainAccuracy: Double?, testAccuracy: Double?
        public var testR2: Double? = nil
    }

    /// Makes the data (generated from the seed, or the uploaded CSV) and the run of the plan.
    public init(settings: PlaygroundSettings) throws(PlaygroundError) {
        self.settings = settings
        self.segments = [(0, settings)]
        let plan = settings.plan
        var data: TrainingData<Float>? = nil
        if ToySets.Shape(rawValue: settings.data) == nil {
            let set: Dataset<Float>
            do { set = try Dataset<Float>.csv(settings.csv ?? "", options: CSVOptions(), file: settings.csvName) } catch {
                throw PlaygroundError(error.withoutOption)   // a CSVError; the page has no --missing or --task
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
        guard let test = training.rawTestInputs else { throw PlaygroundError("testSplit: no test set") }
        (rawTrain, rawTest) = (training.rawTrainInputs, test)
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
        if report.endedEpoch != nil {
            history.append(measure())
            if let pending, training.pendingChange == nil { begin(pending) }
        }
        return true
    }

    /// Changes the live settings (η, λ, λ₁, batch; see ``PlaygroundSettings/liveKeys``) without
    /// starting over: now between epochs, else when the current epoch ends.
    public mutating func change(to new: PlaygroundSettings) throws(PlaygroundError) {
        let differences = new.liveChanges(since: pending ?? settings)
        var change = TrainingRun<Float>.Change()
        for d in differences { d.apply(&change) }
        if differences.isEmpty {                         // only the view changed
            settings = Self.viewed(settings, as: new)
            pending = pending.map { Self.viewed($0, as: new) }
            return
        }
        do { try training.change(change) } catch { throw PlaygroundSettings.refusal(error) }
        if training.pendingChange == nil { begin(new) } else { pending = new }
    }

    /// `base` with the view settings of `view`.
    static func viewed(_ base: PlaygroundSettings, as view: PlaygroundSettings) -> PlaygroundSettings {
        var s = base
        (s.showTest, s.discretize, s.edgesByGradient) = (view.showTest, view.discretize, view.edgesByGradient)
        return s
    }

    /// The settings `new` are in force from this epoch on.
    private mutating func begin(_ new: PlaygroundSettings) {
        (settings, pending) = (new, nil)
        if segments.last?.epoch == epochsDone { segments[segments.count - 1].settings = new } else { segments.append((epochsDone, new)) }
    }

    /// Sets `W^layer[neuron][from]` (or the bias `b^layer[neuron]`) by hand.
    public mutating func edit(layer: Int, neuron: Int, from: Int?, to value: Float) throws(PlaygroundError) {
        guard training.setParameter(layer: layer, neuron: neuron, from: from, to: value) else {
            throw PlaygroundError("edit: \(value) for \(from == nil ? "b" : "W")\(layer)[\(neuron)]\(from.map { "[\($0)]" } ?? "") is not a parameter and a finite number")
        }
        let name = from.map { "W\(NetworkDiagram.sup(layer))[\(neuron)][\($0)]" } ?? "b\(NetworkDiagram.sup(layer))[\(neuron)]"
        edits.append("\(name) was set by hand to \(value) at epoch \(epochsDone + 1), step \(steps + 1)")
        history[history.count - 1] = measure()
    }

    /// Steps to the end of the current epoch.
    public mutating func trainEpoch() {
        let epoch = epochsDone
        while epochsDone == epoch && step() {}
    }

    /// Loss and accuracy of the current network on the training and test sets.
    func measure() -> Measurement {
        let (a, b) = (Evaluation(network: network, data: train), Evaluation(network: network, data: test))
        var m = Measurement(epoch: epochsDone, train: a.loss, test: b.loss, trainAccuracy: a.accuracy, testAccuracy: b.accuracy)
        if !test.isClassification && network.loss == .squaredError { m.testR2 = Self.r2(loss: b.loss, targets: test.y) }
        return m
    }

    /// R² = 1 − Σ(a − y)² / Σ(y − ȳ)², from the mean ½-squared-error loss per sample: the share
    /// of the targets' variance the network explains (1: all of it; 0: no better than ȳ).
    static func r2(loss: Double, targets y: Matrix<Float>) -> Double? {
        let values = y.storage.map(Double.init)
        guard values.count > 1 else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return variance > 0 ? 1 - 2 * loss * Double(y.rows) / Double(values.count) / variance : nil
    }

    /// The model file of the current weights, with the scaling and the settings that made it.
    public var model: ModelFile<Float> {
        var plan = settings.plan
        plan.epochs = max(epochsDone, 1)
        var training = plan.json.members ?? []
        training += [("epochs_done", .number(epochsDone)), ("steps", .number(steps)), ("command", .string(commandLine))]
        if nextBatch > 0 { training.append(("batches_into_next_epoch", .number(nextBatch))) }
        return ModelFile(network: network, classes: train.classNames, features: self.training.features, preprocessing: preprocessing,
                         training: training)
    }

    /// A number as `backprop explain` reads it from a file or an option: the decimal text that
    /// Backprop writes for the Float, read as a Double.
    static func asWritten(_ v: Float) -> Double { Double(v.description)! }

    /// The next step's batch as `backprop explain` gets it from `--input`/`--target`, in Double
    /// (the inputs as the network sees them: features, then scaling).
    public func nextBatchAsWritten() -> (x: Matrix<Double>, y: Matrix<Double>) {
        let rows = Array(nextBatchIndices)
        return (Matrix(rows.map { r in (0..<train.x.cols).map { Self.asWritten(train.x[r, $0]) } }),
                Matrix(rows.map { r in (0..<train.y.cols).map { Self.asWritten(train.y[r, $0]) } }))
    }

    /// The run's network and optimizer state now, as a checkpoint file (`checkpoint.json`):
    /// what `backprop explain --model checkpoint.json --state checkpoint.json` reads.
    public var checkpoint: Checkpoint<Float> {
        Checkpoint(model: model, epochsDone: epochsDone, optimizer: optimizer)
    }

    /// The network and the optimizer as `backprop explain` reads them from ``checkpoint``: in
    /// Double, from the file's decimals.
    public var stateAsWritten: (network: Network<Double>, optimizer: Optimizer<Double>) {
        if let c = try? Checkpoint<Double>(text: checkpoint.json.serialized()) { return (c.model.network, c.optimizer) }
        return (Network(converting: network), .gradientDescent(learningRate: Double(optimizer.learningRate)))   // not reached
    }

    /// The network as `backprop explain --model` reads the exported model file.
    public var networkAsWritten: Network<Double> { stateAsWritten.network }

    /// The next step recorded hand by hand in Double, with the run's optimizer and its state —
    /// exactly what ``explainCommand(model:)`` prints.
    public func nextStepTrace() -> StepTrace {
        let (bx, by) = nextBatchAsWritten()
        let (net, opt) = stateAsWritten
        let plan = settings.plan
        return StepTrace.record(network: net, input: bx, target: by, optimizer: opt,
                                dropout: plan.dropout > 0 ? (plan.dropout, plan.seeds.dropout) : nil)
    }

    /// The parameter `W^layer[neuron][from]` (or `b^layer[neuron]`) after the next step, as
    /// training computes it (Float32): the step taken on a copy of the run.
    public func valueAfterNextStep(layer: Int, neuron: Int, from: Int?) -> Float? {
        var copy = training
        guard copy.step() != nil, (1...copy.network.layers.count).contains(layer) else { return nil }
        let l = copy.network.layers[layer - 1]
        guard neuron < l.outputSize else { return nil }
        return from.map { l.weights[neuron, $0] } ?? l.biases[neuron]
    }

    /// `backprop explain` for the next step, on the exported checkpoint saved as `state`.
    public func explainCommand(state: String = "checkpoint.json") -> String {
        let (bx, by) = (nextBatchIndices.map { r in (0..<train.x.cols).map { train.x[r, $0].description }.joined(separator: ",") },
                        nextBatchIndices.map { r in (0..<train.y.cols).map { train.y[r, $0].description }.joined(separator: ",") })
        var parts = ["backprop", "explain", "--model", state, "--state", state]
        for (i, t) in zip(bx, by) { parts += ["--input", i, "--target", t] }
        return parts.joined(separator: " ")
    }

    /// The `backprop train` command (or commands) that reproduce this run, batch for batch, up
    /// to its last completed epoch: one command, or with live changes one per stretch of
    /// unchanged settings, each resuming the last one's checkpoint with the new options (at epoch
    /// 0, the command for epoch 1 after a comment line that says so); only the
    /// last saves the model (an earlier part's save would meet a better model.json first, and the
    /// next part would replace it).
    public var commandLine: String {
        if let edit = edits.first {
            return "# not reproducible by backprop train: \(edit). Export checkpoint.json between epochs (batch 1/…) and continue from it: backprop train --resume checkpoint.json --epochs \(epochsDone + 100)"
        }
        let done = segments.filter { $0.epoch < epochsDone || $0.epoch == 0 }
        // A command trains whole epochs: said when the page is at epoch 0, or within an epoch.
        let within = nextBatch == 0 ? nil : "epoch \(epochsDone + 1) is at batch \(nextBatch + 1) of \(batchesPerEpoch)"
        if epochsDone == 0 {                  // (train takes at least one epoch; model.json now holds the initial weights)
            return "# \(within.map { "\($0), not finished" } ?? "epoch 0: nothing trained yet"); this trains all of epoch 1\n" + settings.commandLine(epochs: 1)
        }
        let note = within.map { "# \($0); this replays the \(plural(epochsDone, "finished epoch"))\n" } ?? ""
        // (the settings the finished epochs ran with: a change made since applies to the next ones)
        guard done.count > 1 else { return note + done[0].settings.commandLine(epochs: epochsDone) }
        var commands = [done[0].settings.commandLine(epochs: done[1].epoch, save: false) + " --checkpoint run.json --checkpoint-every 1"]
        for (i, segment) in done.enumerated().dropFirst() {
            var parts = ["backprop", "train", "--resume", "run.json"]
            for d in segment.settings.liveChanges(since: done[i - 1].settings) { parts += [d.option, d.value] }
            parts += ["--epochs", String(i + 1 < done.count ? done[i + 1].epoch : epochsDone)]
            if i == done.count - 1 { parts += ["--save", "model.json"] }
            commands.append(parts.joined(separator: " "))
        }
        return note + commands.joined(separator: " && ")
    }
}
