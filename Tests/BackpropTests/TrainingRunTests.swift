import Foundation
import Testing
@testable import Backprop

@Suite("Training run: one steppable pipeline")
struct TrainingRunTests {
    static func plan(_ change: (inout TrainingPlan) -> Void = { _ in }) -> TrainingPlan {
        var plan = TrainingPlan(data: "circles")
        (plan.samples, plan.layers, plan.activations, plan.optimizer, plan.learningRate) = (200, [2, 8, 2], [.tanh], .adam, 0.01)
        (plan.batch, plan.epochs, plan.validationSplit, plan.testSplit) = (16, 4, 0.2, 0.25)
        change(&plan)
        return plan
    }

    func parameters(_ network: Network<Float>) -> [Float] { network.layers.flatMap { $0.weights.storage + $0.biases } }

    @Test("stepping batch by batch equals run(), and fit on the same parts, bit for bit")
    func stepEqualsRunEqualsFit() throws {
        var stepped = try TrainingRun<Float>(plan: Self.plan())
        var batches = 0
        while let report = stepped.step() { batches += 1; #expect(report.divergence == nil) }
        var whole = try TrainingRun<Float>(plan: Self.plan())
        let result = whole.run()
        #expect(batches == 4 * stepped.batchesPerEpoch && result.epochs.count == 4)
        #expect(parameters(stepped.network) == parameters(whole.network))
        #expect(stepped.history.map(\.loss) == result.epochs.map(\.loss))

        let fresh = try TrainingRun<Float>(plan: Self.plan())          // the same prepared data and start
        var network = fresh.network, optimizer = fresh.optimizer
        let fitted = network.fit(fresh.train, validation: fresh.validation, optimizer: &optimizer, configuration: fresh.configuration)
        #expect(parameters(network) == parameters(whole.network))
        #expect(fitted.epochs.map(\.validationLoss) == result.epochs.map(\.validationLoss))
        #expect(optimizer.steps == whole.optimizer.steps)
    }

    @Test("a checkpoint after epoch 2 continues to the same weights as the uninterrupted run; --epochs extends it")
    func checkpointRestore() throws {
        for schedule in TrainingPlan.ScheduleKind.allCases {
            let plan = Self.plan { $0.schedule = schedule; $0.epochs = 6 }
            var whole = try TrainingRun<Float>(plan: plan)
            whole.run()
            var first = try TrainingRun<Float>(plan: plan)
            var checkpoint: Checkpoint<Float>? = nil
            first.run(afterEpoch: { if $0.epochsDone == 2 { checkpoint = $0.checkpoint } })
            let text = try #require(checkpoint).json.serialized()
            let read = try Checkpoint<Float>(model: ModelFile<Float>(text: text), json: JSON.parse(text))
            #expect(try read.plan == plan)
            var resumed = try TrainingRun<Float>(plan: read.plan, resumingFrom: read)
            #expect(resumed.epochsDone == 2)
            resumed.run()
            #expect(parameters(resumed.network) == parameters(whole.network), "schedule \(schedule)")
            #expect(resumed.optimizer.firstMoments == whole.optimizer.firstMoments)
        }
        // Extending: constant and step schedules go on as if the run had been planned longer;
        // cosine is computed over the new total.
        for schedule in TrainingPlan.ScheduleKind.allCases {
            let short = Self.plan { $0.schedule = schedule; $0.epochs = 3; $0.stepEvery = 2 }
            var long = short
            long.epochs = 5
            var done = try TrainingRun<Float>(plan: short)
            done.run()
            var extended = try TrainingRun<Float>(plan: long, resumingFrom: done.checkpoint)
            extended.run()
            #expect(extended.history.first?.learningRate == long.learningRateSchedule.rate(base: 0.01, epoch: 3, epochs: 5))
            var straight = try TrainingRun<Float>(plan: long)
            straight.run()
            if schedule != .cosine { #expect(parameters(extended.network) == parameters(straight.network), "schedule \(schedule)") }
        }
        let finished = try TrainingRun<Float>(plan: Self.plan())
        #expect { _ = try TrainingRun<Float>(plan: Self.plan(), resumingFrom: Checkpoint(model: finished.model, epochsDone: 4, optimizer: finished.optimizer)) }
            throws: { "\($0)".contains("it has done 4 epochs already") }
    }

    @Test("early stopping goes on from a checkpoint: the same best epoch, the same stop, the same weights")
    func earlyStoppingResumes() throws {
        var plan = TrainingPlan(data: "spiral")
        (plan.samples, plan.noise, plan.learningRate, plan.validationSplit) = (200, 0.6, 2, 0.3)
        (plan.patience, plan.batch, plan.epochs) = (3, 8, 30)
        var whole = try TrainingRun<Float>(plan: plan)
        let result = whole.run()
        #expect(result.stoppedEarly && result.bestEpoch < result.epochs.count)
        for at in [2, result.bestEpoch + 1] {
            var first = try TrainingRun<Float>(plan: plan)
            var checkpoint: Checkpoint<Float>? = nil
            first.run(afterEpoch: { if $0.epochsDone == at { checkpoint = $0.checkpoint } })
            let text = try #require(checkpoint).json.serialized()
            let read = try Checkpoint<Float>(model: ModelFile<Float>(text: text), json: JSON.parse(text))
            #expect(read.earlyStopping?.bestEpoch == checkpoint?.earlyStopping?.bestEpoch)
            var resumed = try TrainingRun<Float>(plan: plan, resumingFrom: read)
            let again = resumed.run()
            #expect(again.stoppedEarly && again.bestEpoch == result.bestEpoch, "from epoch \(at)")
            #expect(resumed.epochsDone == whole.epochsDone)
            #expect(parameters(resumed.network) == parameters(whole.network), "from epoch \(at)")
        }
    }

    @Test("divergence restores the parameters and the optimizer's state of the last good epoch, and names biases as biases")
    func divergence() throws {
        // Two good epochs, then a step schedule multiplies η by 1e30: epoch 3 diverges.
        let plan = Self.plan {
            ($0.optimizer, $0.learningRate, $0.output, $0.loss) = (.momentum, 0.05, .identity, .squaredError)
            ($0.schedule, $0.stepEvery, $0.stepFactor, $0.epochs) = (.step, 2, 1e30, 6)
        }
        var run = try TrainingRun<Float>(plan: plan)
        var atEpoch2: (parameters: [Float], optimizer: Optimizer<Float>)? = nil
        run.run(afterEpoch: { if $0.epochsDone == 2 { atEpoch2 = (parameters($0.network), $0.optimizer) } })
        let d = try #require(run.divergence)
        let good = try #require(atEpoch2)
        #expect(d.epoch == 3 && d.restoredEpoch == 2 && run.epochsDone == 2)
        #expect(run.nextBatch == 0 && !run.nextBatchIndices.isEmpty, "back at the start of the epoch, as the parameters are")
        #expect(parameters(run.network) == good.parameters)
        #expect(run.optimizer.steps == good.optimizer.steps && run.optimizer.firstMoments == good.optimizer.firstMoments)
        #expect(!run.optimizer.firstMoments.isEmpty && run.optimizer.firstMoments.allSatisfy { $0.allSatisfy(\.isFinite) })
        var net = Network<Float>(sizes: [2, 2], activation: .identity, seed: 1)
        net.layers[0].biases[1] = .nan
        #expect(net.firstNonFiniteParameter() == "layer 1 biases")
    }

    @Test("plans that do not fit the data throw, naming the setting")
    func misfits() {
        #expect { _ = try TrainingRun<Float>(plan: Self.plan { $0.layers = [3, 8, 2] }) } throws: {
            ($0 as? PlanError)?.setting == .layers && "\($0)".contains("it has 2 features and 2 classes")
        }
        #expect { _ = try TrainingRun<Float>(plan: Self.plan { $0.validationSplit = 0.999 }) } throws: {
            ($0 as? PlanError)?.setting == .validationSplit
        }
        #expect(throws: DataError.self) { _ = try TrainingRun<Float>(plan: TrainingPlan(data: "no-such-file.csv")) }
    }
}

@Suite("Comparing a run's model with the one a save would replace")
struct ModelComparisonTests {
    let x = ToySets.xor(Float.self).0, y = ToySets.xor(Float.self).1

    func trained(_ epochs: Int) -> Network<Float> {
        var network = Network<Float>.tutorial(hidden: 2, seed: 42)
        var optimizer = Optimizer<Float>.gradientDescent(learningRate: 1)
        network.train(x, y, epochs: epochs, optimizer: &optimizer) { _, _ in true }
        return network
    }

    func compare(_ this: Network<Float>, _ other: ModelFile<Float>) -> ModelComparison? {
        ModelComparison(this, classes: nil, on: Dataset(x: x, y: y), raw: x, with: other, samples: "XOR")
    }

    @Test("numbers: the lower loss is better, either way round, each loss measured independently")
    func lowerLoss() throws {
        let (early, late) = (trained(10), trained(5000))
        let c = try #require(compare(early, ModelFile(network: late)))
        #expect(c.otherIsBetter && c.other.loss < c.this.loss)
        #expect(abs(c.other.loss - Double(late.lossValue(x, y)) / 4) < 1e-6 && abs(c.this.loss - Double(early.lossValue(x, y)) / 4) < 1e-6,
                "per sample: the tutorial's loss is summed over the 4 rows")
        #expect(compare(late, ModelFile(network: early))?.otherIsBetter == false)
        #expect(compare(late, ModelFile(network: late))?.otherIsBetter == false, "an equal model is not better")
    }

    @Test("classes: the higher accuracy wins; at the same accuracy the lower loss, under the same loss only; a NaN loss here loses")
    func classes() throws {
        let x = Matrix<Float>([[0, 0], [0, 1], [1, 0], [1, 1]]), y = Matrix<Float>([[1, 0], [0, 1], [0, 1], [1, 0]])
        let data = Dataset(x: x, y: y, classNames: ["no", "yes"])
        func net(_ seed: UInt64, loss: Loss = .softmaxCrossEntropy) -> Network<Float> {
            Network<Float>(sizes: [2, 3, 2], activation: .tanh, output: .softmax, loss: loss, seed: seed)
        }
        func compare(_ a: Network<Float>, _ b: Network<Float>) -> ModelComparison? {
            ModelComparison(a, classes: ["no", "yes"], on: data, raw: x, with: ModelFile(network: b, classes: ["no", "yes"]), samples: "four rows")
        }
        let (a, b) = (net(1), net(2))
        let c = try #require(compare(a, b))
        if c.this.accuracy != c.other.accuracy {
            #expect(c.otherIsBetter == (c.other.accuracy! > c.this.accuracy!))
        } else {
            #expect(c.otherIsBetter == (c.other.loss < c.this.loss))
        }
        #expect(compare(a, a)?.otherIsBetter == false)
        var broken = a
        broken.layers[1].weights[0, 0] = Float.nan
        #expect(compare(broken, a)?.otherIsBetter == true, "this run's NaN loss: the model there is better")
        #expect(compare(a, broken)?.otherIsBetter == false)
        // Another loss: compared by accuracy only; at the same accuracy, not better.
        let squared = net(1, loss: .squaredError)
        if let d = compare(a, squared), d.this.accuracy == d.other.accuracy { #expect(!d.otherIsBetter) }
    }

    @Test("the same samples: the same data, data seed, samples and splits; the weights' seed alone may differ with --data-seed")
    func sameSamples() {
        var a = TrainingPlan(data: "circles")
        a.testSplit = 0.3
        var b = a
        #expect(a.drawsTheSameSamples(as: b))
        b.seed = 9
        #expect(!a.drawsTheSameSamples(as: b), "the data seed is the seed")
        (a.dataSeed, b.dataSeed) = (5, 5)
        #expect(a.drawsTheSameSamples(as: b))
        b.testSplit = 0.2
        #expect(!a.drawsTheSameSamples(as: b))
        b = a
        b.data = "spiral"
        #expect(!a.drawsTheSameSamples(as: b))
    }

    @Test("nil for other inputs, outputs or classes, or numbers under another loss; a model with NaN weights is never better")
    func notComparable() {
        let net = trained(10)
        #expect(compare(net, ModelFile(network: Network<Float>(sizes: [3, 2, 1], activation: .sigmoid, seed: 1))) == nil)
        #expect(compare(net, ModelFile(network: Network<Float>(sizes: [2, 2, 2], activation: .sigmoid, seed: 1))) == nil)
        #expect(compare(net, ModelFile(network: Network<Float>(sizes: [2, 2, 1], activation: .sigmoid, loss: .binaryCrossEntropy, seed: 1))) == nil)
        #expect(compare(net, ModelFile(network: net, classes: ["no", "yes"])) == nil)
        var broken = trained(5000)
        broken.layers[0].weights[0, 0] = Float.nan
        #expect(compare(net, ModelFile(network: broken))?.otherIsBetter == false)
    }
}
