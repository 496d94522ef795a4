import Foundation

extension Network {
    /// Mini-batch training: a loop over a ``TrainingRun`` of this network. Every epoch shuffles
    /// the samples (from the seed), slices them into batches, and takes one `trainStep` per
    /// batch; then it measures the validation set, applies the learning-rate schedule, and checks
    /// early stopping.
    ///
    /// The batch matrices and every layer buffer are reused from batch to batch: after the first
    /// batch, a step allocates nothing.
    ///
    /// `afterEpoch(network, optimizer, epochsDone)` sees the state after every epoch (to write a
    /// checkpoint or a picture); `observe` sees the metrics, and returns false to stop.
    ///
    /// Every step's loss, and every epoch's parameters, are checked for NaN and ±∞. On the first
    /// one training stops, `divergence` says where, and the network and the optimizer get back
    /// the parameters and state they had at the end of the last good epoch.
    ///
    /// ```swift
    /// var net = Network<Float>(sizes: [2, 16, 2], activation: .tanh, output: .softmax,
    ///                          loss: .softmaxCrossEntropy, reduction: .mean, seed: 1)
    /// var adam = Optimizer<Float>(.adam, learningRate: 1e-3)
    /// let data = ToySets.make(.spiral, count: 200, noise: 0.1, seed: 1, as: Float.self)
    /// net.fit(data, optimizer: &adam, configuration: TrainingConfiguration(epochs: 10, batchSize: 32, seed: 1))
    /// ```
    @discardableResult
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public mutating func fit(
        _ data: Dataset<T>, validation: Dataset<T>? = nil, optimizer: inout Optimizer<T>,
        configuration: TrainingConfiguration, observe: (TrainingEvent) -> Bool = { _ in true },
        afterEpoch: (_ network: Network<T>, _ optimizer: Optimizer<T>, _ epochsDone: Int) -> Void = { _, _, _ in }
    ) -> TrainingResult {
        var run = TrainingRun(network: self, optimizer: optimizer, train: data, validation: validation,
                              configuration: configuration)
        let result = run.run(observe: observe, afterEpoch: { afterEpoch($0.network, $0.optimizer, $0.epochsDone) })
        (self, optimizer) = (run.network, run.optimizer)
        return result
    }

    /// The first layer (input side first) whose weights or biases are not all finite: `layer 2
    /// weights`, `layer 1 biases`.
    public func firstNonFiniteParameter() -> String? {
        for (l, layer) in layers.enumerated() {
            if !layer.weights.storage.allSatisfy(\.isFinite) { return "layer \(l + 1) weights" }
            if !layer.biases.allSatisfy(\.isFinite) { return "layer \(l + 1) biases" }
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
