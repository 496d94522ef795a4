import Testing
@testable import Backprop

/// Dropout: the masks, the gradient through them (finite differences in Double), prediction
/// untouched, the recording `explain` prints, and resuming with the same masks.
@Suite("Dropout")
struct DropoutTests {
    let x = Matrix<Double>([[0.5, -1], [1, 2], [-0.3, 0.7], [2, -1.5]])
    let y = Matrix<Double>([[1, 0], [0, 1], [1, 0], [0, 1]])

    func net() -> Network<Double> {
        Network<Double>(sizes: [2, 6, 5, 2], activation: .tanh, output: .softmax, loss: .softmaxCrossEntropy, reduction: .mean, seed: 3)
    }

    func loss(_ n: Network<Double>, rate: Double) -> Double {
        var n = n
        var g = Dropout.generator(seed: 11, step: 4)
        n.forward(x, dropout: rate, generator: &g)
        return n.computeLoss(target: y)
    }

    @Test("masks: 0 or 1/(1−p), about p of them 0, hidden layers only; prediction drops nothing")
    func masks() {
        var n = net()
        var g = Dropout.generator(seed: 1, step: 0)
        n.forward(Matrix(rows: 200, cols: 2, storage: (0..<400).map { Double($0 % 7) / 7 }), dropout: 0.4, generator: &g)
        let m = n.layers[0].mask.storage
        #expect(m.allSatisfy { $0 == 0 || $0 == 1 / 0.6 })
        let dropped = Double(m.filter { $0 == 0 }.count) / Double(m.count)
        #expect(abs(dropped - 0.4) < 0.05)
        #expect(n.layers[0].masked && n.layers[1].masked && !n.layers[2].masked)
        for j in 0..<5 {        // the layer above saw the dropped outputs
            let z = n.layers[1].biases[j] + (0..<6).reduce(0.0) { $0 + n.layers[0].dropped[0, $1] * n.layers[1].weights[j, $1] }
            #expect(abs(z - n.layers[1].z[0, j]) < 1e-12)
        }
        var plain = net()
        plain.forward(x)
        #expect(net().predict(x) == plain.output && !plain.layers[0].masked)
    }

    @Test("the fast mask fill draws exactly what draw(rate:keep:generator:) draws, one by one, and leaves the generator where it would")
    func fillMatchesDraw() {
        // 0.5 and 0.25 make rate·2⁵³ a whole number (the comparison's edge); the others do not.
        for rate in [0.1, 0.5, 0.25, 1.0 / 3, 0.9, 1e-17, 0.0, 1 - 0x1.0p-53, 1, 4096, .infinity, -1, .nan] {
            var one = Dropout.generator(seed: 42, step: 7), many = one
            let keep: Float = rate > 0 && rate < 1 ? Dropout.keep(rate: rate) : 2   // (1/(1 − p) is no number beyond)
            let expected = (0..<4099).map { _ in Dropout.draw(rate: rate, keep: keep, generator: &one) }
            var mask = [Float](repeating: -1, count: 4099)
            mask.withUnsafeMutableBufferPointer { Dropout.fill($0, rate: rate, keep: keep, generator: &many) }
            #expect(mask == expected, "rate \(rate)")
            #expect(one.next() == many.next(), "rate \(rate): the generator goes on from the same place")
        }
    }

    @Test("the gradient through the masks matches central finite differences (same masks), every weight and bias")
    func gradient() {
        var n = net()
        var g = Dropout.generator(seed: 11, step: 4)
        n.forward(x, dropout: 0.3, generator: &g)
        _ = n.computeLoss(target: y)
        n.backward(input: x)
        let h = 1e-6
        for l in n.layers.indices {
            for i in n.layers[l].weights.storage.indices {
                var plus = net(), minus = net()
                plus.layers[l].weights.storage[i] += h
                minus.layers[l].weights.storage[i] -= h
                let numeric = (loss(plus, rate: 0.3) - loss(minus, rate: 0.3)) / (2 * h)
                #expect(abs(numeric - n.layers[l].weightGradient.storage[i]) < 1e-8, "W\(l + 1)[\(i)]")
            }
            for j in n.layers[l].biases.indices {
                var plus = net(), minus = net()
                plus.layers[l].biases[j] += h
                minus.layers[l].biases[j] -= h
                let numeric = (loss(plus, rate: 0.3) - loss(minus, rate: 0.3)) / (2 * h)
                #expect(abs(numeric - n.layers[l].biasGradient[j]) < 1e-8, "b\(l + 1)[\(j)]")
            }
        }
    }

    @Test("explain's recording is the training step with dropout: same masks, same update; the chain shows m")
    func recording() throws {
        var o = Optimizer<Double>(.momentum, learningRate: 0.1)
        var n = net()
        for _ in 0..<3 { _ = n.trainStep(x, y, optimizer: &o, dropout: 0.5, dropoutSeed: 9) }
        let trace = StepTrace.record(network: n, input: x, target: y, optimizer: o, dropout: (0.5, 9))
        var stepped = n, o2 = o
        _ = stepped.trainStep(x, y, optimizer: &o2, dropout: 0.5, dropoutSeed: 9)
        for l in 0..<3 { #expect(trace.updated.layers[l].weights == stepped.layers[l].weights) }
        #expect(trace.layers[0].mask != nil && trace.layers[2].mask == nil)
        let c = try #require(trace.chain(layer: 1, neuron: 2, from: 0))
        #expect(c.samples.allSatisfy { $0.mask == 0 || $0.mask == 2 })
        for s in c.samples where s.mask == 0 { #expect(s.delta == 0) }
        #expect(c.text.contains("mask") && trace.text(source: "test").contains("the dropout mask"))
        #expect(trace.json["layers"]?.array?[0]["dropout_mask"] != .null)
    }

    @Test("a run with dropout resumed from its checkpoint ends with the same weights; the plan checks p")
    func resume() throws {
        var plan = TrainingPlan(data: "spiral")
        (plan.samples, plan.layers, plan.activations, plan.dropout, plan.epochs, plan.batch) = (100, [2, 8, 2], [.tanh], 0.25, 4, 10)
        var whole = try TrainingRun<Float>(plan: plan)
        whole.run()
        var first = plan
        first.epochs = 2
        var half = try TrainingRun<Float>(plan: first)
        half.run()
        var resumed = try TrainingRun<Float>(plan: plan, resumingFrom: try Checkpoint<Float>(text: half.checkpoint.json.serialized()))
        resumed.run()
        #expect(resumed.network.layers[0].weights == whole.network.layers[0].weights)
        #expect(resumed.network.layers[1].biases == whole.network.layers[1].biases)
        var none = plan
        none.dropout = 0
        var plain = try TrainingRun<Float>(plan: none)
        plain.run()
        #expect(plain.network.layers[0].weights != whole.network.layers[0].weights)
        plan.dropout = 1
        #expect(throws: PlanError.self) { try plan.validate() }
        #expect(plan.arguments.contains("--dropout"))
    }
}
