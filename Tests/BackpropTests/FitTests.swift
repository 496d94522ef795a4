import Testing
@testable import Backprop

@Suite("Mini-batch training")
struct FitTests {
    func circles() -> (train: Dataset<Float>, validation: Dataset<Float>) {
        var data = ToySets.make(.circles, count: 600, noise: 0.05, seed: 1, as: Float.self)
        let validation = data.splitOff(validationFraction: 0.2, seed: 2)
        return (data, validation)
    }

    @Test("a small ReLU network learns circles with Adam; metrics per epoch; the observer sees every batch")
    func learnsCircles() {
        var (train, validation) = circles()
        let prep = Preprocessing.fit(.standardize, to: train.x)
        prep.apply(to: &train.x)
        var val = validation
        prep.apply(to: &val.x)
        var net = Network<Float>(sizes: [2, 16, 2], activation: .relu, output: .softmax,
                                 loss: .softmaxCrossEntropy, reduction: .mean, seed: 3)
        var adam = Optimizer<Float>(.adam, learningRate: 0.01)
        var batches = 0
        let result = net.fit(train, validation: val, optimizer: &adam,
                             configuration: TrainingConfiguration(epochs: 30, batchSize: 32, seed: 4)) { event in
            if case .batch = event { batches += 1 }
            return true
        }
        #expect(result.epochs.count == 30)
        #expect(batches == 30 * 15)                       // 480 samples / 32
        let last = result.epochs[29]
        #expect(last.validationAccuracy! > 0.95, "validation accuracy \(last.validationAccuracy!)")
        #expect(last.loss < result.epochs[0].loss)
        let evaluation = Evaluation(network: &net, data: val)
        #expect(evaluation.accuracy == last.validationAccuracy)
        #expect(evaluation.confusion!.flatMap { $0 }.reduce(0, +) == val.count)
    }

    @Test("the same seed gives bit-identical weights")
    func deterministic() {
        func run() -> [Float] {
            var net = Network<Float>(sizes: [2, 8, 2], activation: .tanh, output: .softmax, loss: .softmaxCrossEntropy, reduction: .mean, seed: 5)
            var sgd = Optimizer<Float>(.momentum, learningRate: 0.05)
            _ = net.fit(circles().train, optimizer: &sgd, configuration: TrainingConfiguration(epochs: 3, batchSize: 16, seed: 6))
            return net.layers.flatMap { $0.weights.storage + $0.biases }
        }
        #expect(run() == run())
    }

    @Test("early stopping stops after `patience` epochs without improvement and restores the best weights")
    func earlyStopping() {
        let (train, validation) = circles()
        var net = Network<Float>(sizes: [2, 16, 2], activation: .relu, output: .softmax, loss: .softmaxCrossEntropy, reduction: .mean, seed: 3)
        // A learning rate far too high: validation loss soon stops improving.
        var sgd = Optimizer<Float>(.sgd, learningRate: 5)
        var configuration = TrainingConfiguration(epochs: 50, batchSize: 32, seed: 1)
        configuration.patience = 3
        var snapshots: [Int: [Float]] = [:]
        let result = net.fit(train, validation: validation, optimizer: &sgd, configuration: configuration) { event in
            if case .epoch(let m) = event { snapshots[m.epoch] = [] }
            return true
        }
        #expect(result.stoppedEarly)
        #expect(result.epochs.count == result.bestEpoch + 3)
        let best = result.epochs[result.bestEpoch - 1]
        #expect(best.isBest && best.validationLoss! == result.epochs.compactMap(\.validationLoss).min()!)
        // The network now has the best epoch's weights: its validation loss is the best one.
        #expect(abs(Evaluation(network: &net, data: validation).loss - best.validationLoss!) < 1e-6)
    }

    @Test("the schedule sets each epoch's learning rate; the observer can stop the run")
    func scheduleAndStop() {
        var net = Network<Float>(sizes: [2, 4, 2], activation: .tanh, output: .softmax, loss: .softmaxCrossEntropy, reduction: .mean, seed: 1)
        var sgd = Optimizer<Float>(.sgd, learningRate: 0.1)
        var configuration = TrainingConfiguration(epochs: 6, batchSize: 50, seed: 1)
        configuration.schedule = .step(every: 2, factor: 0.5)
        let result = net.fit(circles().train, optimizer: &sgd, configuration: configuration) { event in
            if case .epoch(let m) = event { return m.epoch < 4 }
            return true
        }
        #expect(result.epochs.map { Float($0.learningRate) } == [0.1, 0.1, 0.05, 0.05])
        #expect(result.interrupted)
    }

    @Test("divergence: training stops at the first non-finite loss, says where, and restores the last good epoch")
    func divergence() {
        let (train, _) = circles()
        var net = Network<Float>(sizes: [2, 16, 2], activation: .relu, output: .identity, loss: .squaredError, reduction: .mean, seed: 3)
        var sgd = Optimizer<Float>(.sgd, learningRate: 1e-3)
        _ = net.fit(train, optimizer: &sgd, configuration: TrainingConfiguration(epochs: 2, batchSize: 32, seed: 1))
        let good = net.layers.map(\.weights)
        sgd.learningRate = 100                                   // now it blows up
        let result = net.fit(train, optimizer: &sgd, configuration: TrainingConfiguration(epochs: 5, batchSize: 32, seed: 1))
        let d = try! #require(result.divergence)
        #expect(d.epoch == 1 && d.batch >= 1 && d.restoredEpoch == 0)
        #expect(d.place.hasPrefix("layer "))
        #expect(net.layers.map(\.weights) == good)              // the parameters from before the bad run
        #expect(result.epochs.isEmpty)
    }
}
