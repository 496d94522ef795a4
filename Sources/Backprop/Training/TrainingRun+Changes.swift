/// Changing a run's learning rate, regularisation (L2, L1, dropout) or batch size as it goes — the classic
/// TensorFlow Playground exercise — without starting over.
///
/// A change takes effect at an epoch boundary: at once when the run is between epochs, else
/// when the current epoch ends (``TrainingRun/pendingChange``). That is exactly what
/// `backprop train --resume ck.json --lr 0.1` does from the checkpoint of that epoch (the
/// network and the optimizer's state go on, the shuffles replay), so a changed run can be
/// reproduced from the command line, one command per stretch of unchanged settings.
///
/// ```swift
/// var run = try TrainingRun<Float>(plan: TrainingPlan(data: "spiral"))
/// run.trainEpochs(3)
/// try run.change(.init(learningRate: 0.3))     // from epoch 4 on
/// ```
extension TrainingRun {
    /// What may change mid-run; nil members keep their value.
    public struct Change: Sendable, Equatable {
        public var learningRate: Double?, weightDecay: Double?, l1: Double?, batch: Int?, dropout: Double?
        public init(learningRate: Double? = nil, weightDecay: Double? = nil, l1: Double? = nil, batch: Int? = nil, dropout: Double? = nil) {
            (self.learningRate, self.weightDecay, self.l1, self.batch, self.dropout) = (learningRate, weightDecay, l1, batch, dropout)
        }

        /// This change, then `later` over it.
        func merged(with later: Change) -> Change {
            Change(learningRate: later.learningRate ?? learningRate, weightDecay: later.weightDecay ?? weightDecay,
                   l1: later.l1 ?? l1, batch: later.batch ?? batch, dropout: later.dropout ?? dropout)
        }

        /// The plan with the change.
        func applied(to plan: TrainingPlan) -> TrainingPlan {
            var p = plan
            if let learningRate { p.learningRate = learningRate }
            if let weightDecay { p.weightDecay = weightDecay }
            if let l1 { p.l1 = l1 }
            if let batch { p.batch = batch }
            if let dropout { p.dropout = dropout }
            return p
        }
    }

    /// Asks for `change`: checked by the plan's rules (throws ``PlanError`` naming the setting),
    /// applied now between epochs, else when the current epoch ends.
    public mutating func change(_ change: Change) throws(PlanError) {
        let merged = pendingChange?.merged(with: change) ?? change
        if let plan { try merged.applied(to: plan).validate() } else {
            try merged.applied(to: TrainingPlan(data: "run")).validate()
        }
        if nextBatch == 0 && !isFinished {
            apply(merged)
            learningRate = configuration.schedule.rate(base: baseRate, epoch: epochsDone, epochs: configuration.epochs)
            optimizer.learningRate = T(learningRate)
        } else {
            pendingChange = merged
        }
    }

    /// Applies a change at an epoch boundary (before the epoch's shuffle and rate).
    mutating func apply(_ change: Change) {
        pendingChange = nil
        plan = plan.map(change.applied(to:))
        if let rate = change.learningRate { (baseRate, configuration.learningRate) = (rate, rate) }
        if let decay = change.weightDecay { optimizer.weightDecay = T(decay) }
        if let l1 = change.l1 { optimizer.l1 = T(l1) }
        if let dropout = change.dropout { configuration.dropout = dropout }
        if let batch = change.batch, batch != configuration.batchSize {
            configuration.batchSize = batch
            batches = batches.resized(batchSize: batch)
            let rows = min(batch, max(train.count, 1))
            (x, y) = (Matrix(rows: rows, cols: train.features), Matrix(rows: rows, cols: train.outputs))
        }
    }

    /// Sets one parameter by hand: `W^layer[neuron][from]`, or the bias `b^layer[neuron]` when
    /// `from` is nil (1-based `layer`). Returns false when there is no such parameter or the
    /// value is not finite.
    @discardableResult
    public mutating func setParameter(layer: Int, neuron: Int, from: Int?, to value: T) -> Bool {
        guard value.isFinite, (1...network.layers.count).contains(layer) else { return false }
        let l = layer - 1
        guard (0..<network.layers[l].outputSize).contains(neuron) else { return false }
        if let k = from {
            guard (0..<network.layers[l].inputSize).contains(k) else { return false }
            network.layers[l].weights[neuron, k] = value
        } else {
            network.layers[l].biases[neuron] = value
        }
        return true
    }

    /// Steps to the end of `count` more epochs (or until the run is over).
    public mutating func trainEpochs(_ count: Int) {
        let target = epochsDone + count
        while epochsDone < target, let report = step(), report.divergence == nil {}
    }
}

extension MiniBatches {
    /// The same visiting order and generator, sliced into batches of `batchSize`.
    func resized(batchSize: Int) -> MiniBatches {
        var b = MiniBatches(count: samples, batchSize: batchSize, shuffle: shuffle, seed: 0)
        (b.rng, b.order) = (rng, order)
        return b
    }
}
