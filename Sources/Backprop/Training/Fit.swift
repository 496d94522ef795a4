import Foundation

/// Settings of a mini-batch training run.
public struct TrainingConfiguration: Sendable {
    /// Number of passes over the training data.
    public var epochs: Int
    /// Samples per step; the last batch of an epoch may be smaller.
    public var batchSize: Int
    /// Shuffle the samples before every epoch (from `seed`).
    public var shuffle = true
    /// Seed of the shuffling.
    public var seed: UInt64
    /// How the learning rate changes from epoch to epoch, from `learningRate`.
    public var schedule: LearningRateSchedule = .constant
    /// The initial learning rate η of the schedule; nil: the optimizer's (as `T`, e.g. Float).
    public var learningRate: Double? = nil
    /// Epochs already done (resuming from a checkpoint): training starts at this epoch, with the
    /// shuffles of the earlier epochs replayed, so the run continues exactly as if never stopped.
    public var startEpoch = 0
    /// Early stopping: stop after this many epochs without a lower validation loss (training
    /// loss when there is no validation set), and restore the best weights. nil: never stop early.
    public var patience: Int? = nil

    public init(epochs: Int, batchSize: Int, seed: UInt64) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
    }
}

/// What one epoch measured.
public struct EpochMetrics: Sendable {
    /// 1-based.
    public var epoch: Int
    public var learningRate: Double
    /// Mean training loss per sample over the epoch's batches (each before its update).
    public var loss: Double
    /// Training accuracy over the epoch's batches (classification only).
    public var accuracy: Double?
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    /// Wall time of the epoch's training loop (not the validation pass).
    public var seconds: Double
    /// Whether this epoch is the best so far (lowest monitored loss).
    public var isBest: Bool
}

/// What the training loop tells its observer. The core never prints; the CLI (or a plot, or a
/// browser view) observes these and returns `false` to stop training after the current batch.
public enum TrainingEvent: Sendable {
    /// After every batch: 1-based epoch and batch, the batch's mean loss per sample.
    case batch(epoch: Int, batch: Int, of: Int, loss: Double)
    /// After every epoch, with its metrics.
    case epoch(EpochMetrics)
}

/// Where training first produced a number that is not finite (NaN or ±∞).
public struct Divergence: Sendable {
    /// 1-based epoch and batch of the step that went wrong.
    public var epoch: Int
    public var batch: Int
    /// The first non-finite value: a layer's `z` or `a` in forward order (`layer 2 z`), else a
    /// layer's parameters (`layer 1 weights`), else `the loss`.
    public var place: String
    /// The network was put back to its parameters at the end of this epoch (0: the initial ones).
    public var restoredEpoch: Int
}

/// The outcome of `fit`.
public struct TrainingResult: Sendable {
    public var epochs: [EpochMetrics]
    /// The epoch whose weights the network ends with (the best one after early stopping).
    public var bestEpoch: Int
    public var stoppedEarly: Bool
    /// Whether the observer stopped the run.
    public var interrupted: Bool
    /// Wall time of all training loops.
    public var trainSeconds: Double
    /// Set when a loss or parameter became NaN or infinite; training stopped there.
    public var divergence: Divergence?
}

extension Network {
    /// Mini-batch training: every epoch shuffles the samples (from the seed), slices them into
    /// batches, and takes one `trainStep` per batch; then it measures the validation set, applies
    /// the learning-rate schedule, and checks early stopping.
    ///
    /// The batch matrices and every layer buffer are reused from batch to batch: after the first
    /// batch, a step allocates nothing.
    ///
    /// `afterEpoch(network, optimizer, epochsDone)` sees the state after every epoch (to write a
    /// checkpoint or a picture); `observe` sees the metrics.
    ///
    /// Every step's loss, and every epoch's parameters, are checked for NaN and ±∞. On the first
    /// one training stops, `divergence` says where, and the network gets back the parameters it
    /// had at the end of the last good epoch.
    ///
    /// ```swift
    /// var adam = Optimizer<Float>(.adam, learningRate: 1e-3)
    /// let result = net.fit(train, validation: validation, optimizer: &adam,
    ///                      configuration: TrainingConfiguration(epochs: 10, batchSize: 64, seed: 1))
    /// ```
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public mutating func fit(
        _ data: Dataset<T>, validation: Dataset<T>? = nil, optimizer: inout Optimizer<T>,
        configuration: TrainingConfiguration, observe: (TrainingEvent) -> Bool = { _ in true },
        afterEpoch: (_ network: Network<T>, _ optimizer: Optimizer<T>, _ epochsDone: Int) -> Void = { _, _, _ in }
    ) -> TrainingResult {
        precondition(data.features == inputSize && data.outputs == outputSize,
                     "data is \(data.features) → \(data.outputs), network \(inputSize) → \(outputSize)")
        precondition(configuration.batchSize >= 1 && configuration.epochs >= 0)
        var batchOrder = MiniBatches(count: data.count, batchSize: configuration.batchSize,
                                     shuffle: configuration.shuffle, seed: configuration.seed)
        var x = Matrix<T>(rows: configuration.batchSize, cols: data.features)     // (B, in)
        var y = Matrix<T>(rows: configuration.batchSize, cols: data.outputs)      // (B, out)
        let baseRate = configuration.learningRate ?? Double(optimizer.learningRate)
        let batches = batchOrder.count
        var history: [EpochMetrics] = []
        var best = (loss: Double.infinity, epoch: 0)
        // Early stopping keeps the best parameters in buffers of its own, copied into (not
        // shared with the layers, which would make the next update copy them).
        var bestParameters: [(weights: [T], biases: [T])] = configuration.patience == nil ? [] : parameterCopies()
        // The last good parameters (end of the last finite epoch), for divergence.
        var lastGood: [(weights: [T], biases: [T])] = parameterCopies()
        var lastGoodEpoch = 0
        var divergence: Divergence? = nil
        var stoppedEarly = false, interrupted = false
        var trainSeconds = 0.0
        let clock = ContinuousClock()

        for _ in 0..<min(configuration.startEpoch, configuration.epochs) {
            batchOrder.startEpoch()      // replay the shuffles of the epochs a checkpoint already did
        }

        epochs: for epoch in min(configuration.startEpoch, configuration.epochs)..<configuration.epochs {
            let rate = configuration.schedule.rate(base: baseRate, epoch: epoch, epochs: configuration.epochs)
            optimizer.learningRate = T(rate)
            batchOrder.startEpoch()
            var lossSum = 0.0, correct = 0
            let started = clock.now
            for b in 0..<batches {
                let range = batchOrder.indices(b)
                x.gatherRows(of: data.x, range)
                y.gatherRows(of: data.y, range)
                let loss = Double(trainStep(x, y, optimizer: &optimizer))
                if !loss.isFinite {                                   // cheap: one check per step
                    divergence = Divergence(epoch: epoch + 1, batch: b + 1, place: firstNonFinite() ?? "the loss",
                                            restoredEpoch: lastGoodEpoch)
                    break epochs
                }
                let batchSum = reduction == .mean ? loss * Double(range.count) : loss
                lossSum += batchSum
                if data.isClassification {
                    let out = output
                    for r in 0..<range.count where Evaluation.classOf(out, r) == Evaluation.classOf(y, r) { correct += 1 }
                }
                if !observe(.batch(epoch: epoch + 1, batch: b + 1, of: batches, loss: batchSum / Double(range.count))) {
                    interrupted = true
                }
                if interrupted { break epochs }
            }
            if let place = firstNonFiniteParameter() {
                divergence = Divergence(epoch: epoch + 1, batch: batches, place: place, restoredEpoch: lastGoodEpoch)
                break epochs
            }
            copyParameters(into: &lastGood)
            lastGoodEpoch = epoch + 1
            let seconds = (clock.now - started).seconds
            trainSeconds += seconds
            var metrics = EpochMetrics(epoch: epoch + 1, learningRate: rate, loss: lossSum / Double(max(data.count, 1)),
                                       accuracy: data.isClassification ? Double(correct) / Double(max(data.count, 1)) : nil,
                                       validationLoss: nil, validationAccuracy: nil, seconds: seconds, isBest: false)
            if let validation {
                let v = Evaluation(network: &self, data: validation)
                (metrics.validationLoss, metrics.validationAccuracy) = (v.loss, v.accuracy)
            }
            let monitored = metrics.validationLoss ?? metrics.loss
            if monitored < best.loss {
                best = (monitored, epoch + 1)
                metrics.isBest = true
                if configuration.patience != nil { copyParameters(into: &bestParameters) }
            }
            history.append(metrics)
            afterEpoch(self, optimizer, epoch + 1)       // checkpoints, snapshots: the caller decides
            if interrupted || !observe(.epoch(metrics)) { interrupted = true; break epochs }
            if let patience = configuration.patience, epoch + 1 - best.epoch >= patience {
                stoppedEarly = true
                break
            }
        }
        if stoppedEarly && best.epoch > 0 { restoreParameters(from: bestParameters) }
        if divergence != nil { restoreParameters(from: lastGood) }
        return TrainingResult(epochs: history, bestEpoch: stoppedEarly ? best.epoch : history.count,
                              stoppedEarly: stoppedEarly, interrupted: interrupted, trainSeconds: trainSeconds,
                              divergence: divergence)
    }

    /// The first layer (input side first) whose weights or biases are not all finite.
    public func firstNonFiniteParameter() -> String? {
        for (l, layer) in layers.enumerated()
        where !(layer.weights.storage.allSatisfy(\.isFinite) && layer.biases.allSatisfy(\.isFinite)) {
            return "layer \(l + 1) weights"
        }
        return nil
    }

    /// The first non-finite value of the last step: its forward values in order (layer 1 `z`,
    /// layer 1 `a`, layer 2 `z`, …), then the parameters as that step's update left them; nil
    /// when all are finite (then the loss itself overflowed).
    func firstNonFinite() -> String? {
        for (l, layer) in layers.enumerated() {
            if !layer.z.storage.allSatisfy(\.isFinite) { return "layer \(l + 1) z" }
            if !layer.a.storage.allSatisfy(\.isFinite) { return "layer \(l + 1) a" }
        }
        return firstNonFiniteParameter()
    }

    /// Every layer's weights and biases in buffers of their own (real copies, not shared with the
    /// layers, so that the next update does not have to copy the layers' buffers).
    public func parameterCopies() -> [(weights: [T], biases: [T])] {
        layers.map { ($0.weights.storage.map { $0 }, $0.biases.map { $0 }) }
    }

    /// Copies every layer's weights and biases into `saved` (made by `parameterCopies()`),
    /// element by element: no allocation.
    public func copyParameters(into saved: inout [(weights: [T], biases: [T])]) {
        for l in layers.indices {
            saved[l].weights.withUnsafeMutableBufferPointer { d in _ = d.update(fromContentsOf: layers[l].weights.storage) }
            saved[l].biases.withUnsafeMutableBufferPointer { d in _ = d.update(fromContentsOf: layers[l].biases) }
        }
    }

    /// Copies `saved` back into every layer's weights and biases.
    public mutating func restoreParameters(from saved: [(weights: [T], biases: [T])]) {
        for l in layers.indices {
            layers[l].weights.storage.withUnsafeMutableBufferPointer { d in _ = d.update(fromContentsOf: saved[l].weights) }
            layers[l].biases.withUnsafeMutableBufferPointer { d in _ = d.update(fromContentsOf: saved[l].biases) }
        }
    }
}

extension Duration {
    /// The duration in seconds.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}
