/// One training run, a batch at a time: the data as split and scaled for the network, the
/// network and its optimizer, the mini-batch order, the last good snapshot, and the epoch's
/// bookkeeping. Every front end drives this one type: `Network.fit` and `backprop train` loop over
/// ``run(observe:afterEpoch:)``, the playground calls ``step()`` itself.
///
/// A step is the tutorial's four calls — forward, loss, backward, update — on the next batch
/// (`Network.trainStep`). At the end of every epoch the run:
/// 1. checks the parameters for NaN and ±∞, and the last batch's loss after its update (every
///    step checks its loss before the update);
/// 2. keeps the parameters and the optimizer's state as the last good ones;
/// 3. measures the validation set, notes the best epoch, and stops early after `patience`;
/// 4. shuffles the next epoch's batches and sets its learning rate from the schedule.
///
/// On a non-finite loss or parameter the run stops, ``divergence`` says where, and the network
/// and the optimizer go back to the last good epoch.
///
/// ```swift
/// var run = try TrainingRun<Float>(plan: TrainingPlan(data: "spiral"))
/// run.step()                  // one batch
/// let result = run.run()      // the rest of the run
/// ```
public struct TrainingRun<T: Scalar>: Sendable {
    /// The plan the run carries out (nil for a run made from its parts, as `fit` makes one);
    /// ``change(_:)`` updates it.
    public internal(set) var plan: TrainingPlan?
    public internal(set) var network: Network<T>
    public internal(set) var optimizer: Optimizer<T>
    /// The samples as the network sees them (after preprocessing).
    public let train: Dataset<T>, validation: Dataset<T>?, test: Dataset<T>?
    /// The scaling fitted on the training part and applied to every set; saved with the model.
    public let preprocessing: Preprocessing?
    /// The input features computed from raw 2-D inputs before the scaling; saved with the model.
    public let features: [InputFeature]?
    /// With `features`: the raw training and test inputs (x1, x2), for pictures.
    private let rawInputs: (train: Matrix<T>, test: Matrix<T>?)?
    public internal(set) var configuration: TrainingConfiguration
    /// The data's description (``TrainingData/name``).
    public let dataName: String

    var batches: MiniBatches
    var x: Matrix<T>                        // (B, in)   the batch's inputs, reused
    var y: Matrix<T>                        // (B, out)  the batch's targets, reused
    /// Completed epochs (counting those a checkpoint had done), and the next batch (0-based).
    public private(set) var epochsDone: Int
    public private(set) var nextBatch = 0
    /// Steps taken by this run (not counting a checkpoint's).
    public private(set) var steps = 0
    /// The metrics of every epoch this run completed.
    public private(set) var history: [EpochMetrics] = []
    /// The last batch's mean loss per sample, before its update.
    public private(set) var lastBatchLoss: Double? = nil
    public private(set) var divergence: Divergence? = nil
    public private(set) var stoppedEarly = false, interrupted = false
    /// Wall time of the training steps.
    public private(set) var trainSeconds = 0.0
    /// Wall time of loading the data from its source (0 when the data was given).
    public internal(set) var loadSeconds = 0.0
    /// The learning rate of the current epoch.
    public internal(set) var learningRate: Double

    var baseRate: Double
    /// A change asked for mid-epoch, applied when the next epoch starts.
    public internal(set) var pendingChange: Change? = nil
    private var epoch = (loss: 0.0, correct: 0, seconds: 0.0)
    private var best = (loss: Double.infinity, epoch: 0)
    private var bestParameters: [(weights: [T], biases: [T])]
    private var lastGood: [(weights: [T], biases: [T])]
    private var lastGoodOptimizer: Optimizer<T>
    private var lastGoodEpoch: Int
    private let clock = ContinuousClock()

    /// A run of `network` on data already prepared for it. `configuration.startEpoch` continues
    /// a run that far (its shuffles are replayed, so it goes on exactly as if never stopped).
    ///
    /// Precondition (a programmer's error, not a user's): the data fits the network and the
    /// configuration's batch size and epochs are positive. ``init(plan:data:resumingFrom:)``
    /// checks all of these and throws instead.
    public init(network: Network<T>, optimizer: Optimizer<T>, train: Dataset<T>, validation: Dataset<T>? = nil,
                test: Dataset<T>? = nil, preprocessing: Preprocessing? = nil, configuration: TrainingConfiguration,
                plan: TrainingPlan? = nil, dataName: String = "data",
                features: [InputFeature]? = nil, rawInputs: (train: Matrix<T>, test: Matrix<T>?)? = nil) {
        precondition(train.features == network.inputSize && train.outputs == network.outputSize,
                     "data is \(train.features) → \(train.outputs), network \(network.inputSize) → \(network.outputSize)")
        precondition(configuration.batchSize >= 1 && configuration.epochs >= 0)
        (self.network, self.optimizer, self.plan, self.dataName) = (network, optimizer, plan, dataName)
        (self.train, self.validation, self.test, self.preprocessing) = (train, validation, test, preprocessing)
        (self.features, self.rawInputs) = (features, rawInputs)
        self.configuration = configuration
        let batchSize = min(configuration.batchSize, max(train.count, 1))
        self.pendingChange = nil
        batches = MiniBatches(count: train.count, batchSize: configuration.batchSize, shuffle: configuration.shuffle,
                              seed: configuration.seed)
        x = Matrix(rows: batchSize, cols: train.features)
        y = Matrix(rows: batchSize, cols: train.outputs)
        baseRate = configuration.learningRate ?? Double(optimizer.learningRate)
        epochsDone = min(configuration.startEpoch, configuration.epochs)
        learningRate = baseRate
        bestParameters = configuration.patience == nil ? [] : network.parameterCopies()
        lastGood = network.parameterCopies()
        lastGoodOptimizer = optimizer
        optimizer.copyState(into: &lastGoodOptimizer)
        lastGoodEpoch = epochsDone
        for _ in 0..<epochsDone { batches.startEpoch() }      // replay the shuffles of the epochs done
        startEpoch()
    }

    /// The training inputs as they were before the features and the scaling (for pictures).
    public var rawTrainInputs: Matrix<T> {
        if let rawInputs { return rawInputs.train }
        var raw = train.x
        preprocessing?.unapply(to: &raw)
        return raw
    }

    /// The test inputs as they were before the features and the scaling (nil without a test set).
    public var rawTestInputs: Matrix<T>? {
        if let rawInputs { return rawInputs.test }
        guard var raw = test?.x else { return nil }
        preprocessing?.unapply(to: &raw)
        return raw
    }

    /// Batches per epoch.
    public var batchesPerEpoch: Int { batches.count }
    /// The sample indices (into `train`) of the next step's batch.
    public var nextBatchIndices: ArraySlice<Int> { batches.indices(nextBatch) }
    /// Whether the run is over: all epochs done, stopped early, interrupted or diverged.
    public var isFinished: Bool {
        divergence != nil || stoppedEarly || interrupted || epochsDone >= configuration.epochs || train.count == 0
    }

    /// What one step did.
    public struct StepReport: Sendable {
        /// 1-based epoch and batch of the step, and the epoch's number of batches.
        public var epoch: Int, batch: Int, batches: Int
        /// The batch's mean loss per sample, before its update.
        public var loss: Double
        /// The epoch's metrics when this step ended it.
        public var endedEpoch: EpochMetrics?
        /// Set when this step (or the end of its epoch) diverged.
        public var divergence: Divergence?
    }

    /// One step (forward, loss, backward, update) on the next batch; at the end of an epoch, the
    /// epoch's checks and measurements. Returns nil, and does nothing, once the run is over.
    @discardableResult
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public mutating func step() -> StepReport? {
        guard !isFinished else { return nil }
        let started = clock.now
        let indices = batches.indices(nextBatch)
        guard !indices.isEmpty else { return nil }              // (past the last batch: no rows for the split step's check)
        let outerThreads = Parallel.threads
        Parallel.setThreads(configuration.threads)          // the step, split (not a closure: see Parallel)
        defer { Parallel.setThreads(outerThreads) }
        let next = nextBatch + 1 < batches.count ? batches.indices(nextBatch + 1) : []     // prefetched meanwhile
        let loss = Double(network.trainStep(rows: indices, of: train.x, train.y, into: &x, &y, prefetching: next,
                                            optimizer: &optimizer, dropout: configuration.dropout,
                                            dropoutSeed: configuration.dropoutSeed))
        steps += 1
        let batchSum = network.reduction == .mean ? loss * Double(indices.count) : loss     // summed over the batch
        let batchLoss = batchSum / Double(indices.count)
        lastBatchLoss = batchLoss
        var report = StepReport(epoch: epochsDone + 1, batch: nextBatch + 1, batches: batches.count, loss: batchLoss)
        guard loss.isFinite else {                              // cheap: one check per step
            diverge(batch: nextBatch + 1, place: network.firstNonFinite() ?? "the loss")
            report.divergence = divergence
            return report
        }
        epoch.loss += batchSum
        if train.isClassification {
            let out = network.output
            for r in 0..<indices.count where Evaluation.classOf(out, r) == Evaluation.classOf(y, r) { epoch.correct += 1 }
        }
        epoch.seconds += (clock.now - started).seconds
        nextBatch += 1
        if nextBatch == batches.count {
            report.endedEpoch = finishEpoch()
            report.divergence = divergence
        }
        return report
    }

    /// Asks the run to stop (Ctrl-C, a closed page): it is over, with the parameters it has now.
    public mutating func stop() { interrupted = true }

    /// Steps until the run is over. `observe` sees every batch and epoch and returns false to
    /// stop; `afterEpoch` sees the run after every epoch (to write a checkpoint or a picture).
    @discardableResult
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public mutating func run(observe: (TrainingEvent) -> Bool = { _ in true },
                             afterEpoch: (TrainingRun) -> Void = { _ in }) -> TrainingResult {
        while let report = step(), report.divergence == nil {
            if !observe(.batch(epoch: report.epoch, batch: report.batch, of: report.batches, loss: report.loss)) { stop() }
            if let metrics = report.endedEpoch {
                afterEpoch(self)
                if !observe(.epoch(metrics)) { stop() }
            }
        }
        return result
    }

    /// The outcome so far.
    public var result: TrainingResult {
        TrainingResult(epochs: history, bestEpoch: stoppedEarly ? best.epoch : epochsDone, stoppedEarly: stoppedEarly,
                       interrupted: interrupted, trainSeconds: trainSeconds, divergence: divergence)
    }

    /// The end of an epoch: the checks, the snapshot, the measurements, early stopping, and the
    /// next epoch's batches and learning rate.
    private mutating func finishEpoch() -> EpochMetrics? {
        if let place = network.firstNonFiniteParameter() {
            diverge(batch: batches.count, place: place)
            return nil
        }
        // Finite parameters can still be too large to use: the last batch again, after its update.
        network.forward(x)
        if !Double(network.computeLoss(target: y)).isFinite {
            diverge(batch: batches.count, place: network.firstNonFinite() ?? "the loss")
            return nil
        }
        network.copyParameters(into: &lastGood)
        optimizer.copyState(into: &lastGoodOptimizer)
        lastGoodEpoch = epochsDone + 1
        trainSeconds += epoch.seconds
        let n = Double(max(train.count, 1))
        var metrics = EpochMetrics(epoch: epochsDone + 1, learningRate: learningRate, loss: epoch.loss / n,
                                   accuracy: train.isClassification ? Double(epoch.correct) / n : nil,
                                   validationLoss: nil, validationAccuracy: nil, seconds: epoch.seconds, isBest: false)
        if let validation {
            let v = Evaluation(network: &network, data: validation)
            guard v.loss.isFinite else {
                diverge(batch: batches.count, place: "the validation loss")
                return nil
            }
            (metrics.validationLoss, metrics.validationAccuracy) = (v.loss, v.accuracy)
        }
        let monitored = metrics.validationLoss ?? metrics.loss
        if monitored < best.loss {
            best = (monitored, epochsDone + 1)
            metrics.isBest = true
            if configuration.patience != nil { network.copyParameters(into: &bestParameters) }
        }
        history.append(metrics)
        epochsDone += 1
        (nextBatch, epoch) = (0, (0, 0, 0))
        if let patience = configuration.patience, epochsDone - best.epoch >= patience {
            stoppedEarly = true
            if best.epoch > 0 { network.restoreParameters(from: bestParameters) }
        } else if epochsDone < configuration.epochs {
            startEpoch()
        }
        return metrics
    }

    /// Early stopping's state, for a checkpoint (nil without `patience`).
    var earlyStopping: Checkpoint<T>.EarlyStopping? {
        guard configuration.patience != nil else { return nil }
        return .init(bestEpoch: best.epoch, bestLoss: best.loss, parameters: bestParameters, stopped: stoppedEarly)
    }

    /// Continues early stopping from a checkpoint's state.
    mutating func restore(_ state: Checkpoint<T>.EarlyStopping) {
        guard configuration.patience != nil, state.parameters.count == bestParameters.count else { return }
        (best, stoppedEarly) = ((state.bestLoss, state.bestEpoch), state.stopped)
        for l in bestParameters.indices where bestParameters[l].weights.count == state.parameters[l].weights.count
            && bestParameters[l].biases.count == state.parameters[l].biases.count {
            bestParameters[l] = (state.parameters[l].weights.map { $0 }, state.parameters[l].biases.map { $0 })
        }
    }

    /// Shuffles the batches of epoch `epochsDone` and sets its learning rate (after a pending change).
    private mutating func startEpoch() {
        if let change = pendingChange { apply(change) }
        batches.startEpoch()
        learningRate = configuration.schedule.rate(base: baseRate, epoch: epochsDone, epochs: configuration.epochs)
        optimizer.learningRate = T(learningRate)
    }

    /// Stops at a non-finite number: back to the last good epoch's parameters and optimizer state,
    /// and to the start of the epoch (the next batch is its first, as for those parameters; at the
    /// end of an epoch the position was past its last batch, and the playground's panel asked for
    /// that batch's rows: none, and a precondition ended the server).
    private mutating func diverge(batch: Int, place: String) {
        divergence = Divergence(epoch: epochsDone + 1, batch: batch, place: place, restoredEpoch: lastGoodEpoch)
        network.restoreParameters(from: lastGood)
        optimizer = lastGoodOptimizer
        (nextBatch, epoch) = (0, (0, 0, 0))
    }
}
