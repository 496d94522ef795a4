import Testing
@testable import Backprop

@Suite("Training health")
struct HealthTests {
    @Test("a network whose ReLUs are all dead is flagged; a healthy one is not")
    func deadReLUs() {
        var rng = SeededGenerator(seed: 1)
        let x: Matrix<Float> = randomMatrix(200, 3, &rng)
        let y = Dataset<Float>.oneHot((0..<200).map { $0 % 2 }, classes: 2)
        var dead = Network<Float>(sizes: [3, 8, 2], activation: .relu, output: .softmax, loss: .softmaxCrossEntropy, seed: 2)
        dead.layers[0].weights = Matrix(rows: 8, cols: 3, repeating: -0.1)     // z = −0.1·Σx − 5 < 0 on [−1, 1)³
        dead.layers[0].biases = [Float](repeating: -5, count: 8)
        let sick = TrainingHealth(network: dead, input: x, target: y, learningRate: 0.1)
        #expect(sick.layers[0].deadFraction == 1)
        #expect(sick.layers[0].gradientNorm == 0)
        #expect(sick.warnings.contains { $0.hasPrefix("layer 1: 100% of its ReLUs are dead") })
        #expect(sick.warnings.contains { $0.contains("no gradient reaches its weights") })

        let fine = Network<Float>(sizes: [3, 8, 2], activation: .relu, output: .softmax, loss: .softmaxCrossEntropy, seed: 2)
        let healthy = TrainingHealth(network: fine, input: x, target: y, learningRate: 0.01)
        #expect(healthy.layers[0].deadFraction! < 0.5)
        #expect(!healthy.warnings.contains { $0.contains("dead") })
        #expect(healthy.layers[0].updateRatio > 0)
    }

    @Test("saturated sigmoid units are counted")
    func saturation() {
        var net = Network<Float>(sizes: [2, 4, 1], activation: .sigmoid, seed: 3)
        net.layers[0].weights = Matrix(rows: 4, cols: 2, repeating: 50)
        let x = Matrix<Float>([[1, 1], [0.5, 0.8]]), y = Matrix<Float>([[1], [0]])
        let h = TrainingHealth(network: net, input: x, target: y, learningRate: 0.1)
        #expect(h.layers[0].saturatedFraction == 1)
        #expect(h.warnings.contains { $0.contains("of its sigmoid outputs are saturated") })
    }

    /// The recipe's situation: Adam with a cosine schedule that ends near 0.
    @Test("the update ratio is the optimizer's real step: Adam's, at each rate the run used; a schedule's end is not 'too low'")
    func adamUpdateAndSchedule() throws {
        var rng = SeededGenerator(seed: 4)
        let x: Matrix<Double> = randomMatrix(64, 5, &rng)
        let y = Dataset<Double>.oneHot((0..<64).map { $0 % 3 }, classes: 3)
        var net = Network<Double>(sizes: [5, 7, 3], activation: .relu, output: .softmax, seed: 5)
        var adam = Optimizer<Double>(.adam, learningRate: 0.002)
        for _ in 0..<20 { net.trainStep(x, y, optimizer: &adam) }
        let cosine = (0..<15).map { LearningRateSchedule.cosine(minimum: 0).rate(base: 0.002, epoch: $0, epochs: 15) }
        let h = TrainingHealth(network: net, input: x, target: y, optimizer: adam, learningRates: cosine)

        // The reference: one real Adam step at the largest rate, on copies, measured by hand.
        var probe = net, stepped = net, next = adam
        probe.forward(x); _ = probe.computeLoss(target: y); probe.backward(input: x)
        stepped = probe
        next.learningRate = 0.002
        next.step(&stepped)
        for l in 0..<2 {
            let w = probe.layers[l].weights.storage, w2 = stepped.layers[l].weights.storage
            let move = zip(w, w2).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            let size = w.map { $0 * $0 }.reduce(0, +).squareRoot()
            #expect(abs(h.layers[l].updateRatio - move / size) <= 1e-9 * move / size)
            // Not plain gradient descent's η‖dW‖/‖W‖.
            let plain = 0.002 * probe.layers[l].weightGradient.storage.map { $0 * $0 }.reduce(0, +).squareRoot() / size
            #expect(abs(h.layers[l].updateRatio - plain) > 0.01 * plain)
            #expect(abs(h.layers[l].lastUpdateRatio / h.layers[l].updateRatio - cosine[14] / 0.002) < 1e-9)
        }
        #expect(!h.warnings.contains { $0.contains("too low") }, "\(h.warnings)")
        // The same network judged at only the schedule's last rate would be "too low".
        let end = TrainingHealth(network: net, input: x, target: y, optimizer: adam, learningRates: [1e-9])
        #expect(end.warnings.contains { $0.contains("too low") })
    }

    @Test("warnings print numbers as the table does, and give no advice already in effect")
    func adviceAndNumbers() throws {
        var rng = SeededGenerator(seed: 6)
        let x: Matrix<Float> = randomMatrix(50, 3, &rng)
        let y = Dataset<Float>.oneHot((0..<50).map { $0 % 2 }, classes: 2)
        let net = Network<Float>(sizes: [3, 8, 2], activation: .tanh, output: .softmax, seed: 2)
        let high = TrainingHealth(network: net, input: x, target: y, learningRate: 1000)
        let line = try #require(high.warnings.first { $0.contains("too high") })
        #expect(line.contains("by \(TrainingHealth.format(high.layers[0].updateRatio)) of their size"), "\(high.warnings)")
        #expect(!line.contains(String(high.layers[0].updateRatio)))

        var saturated = Network<Float>(sizes: [2, 4, 1], activation: .sigmoid, seed: 3)
        saturated.layers[0].weights = Matrix(rows: 4, cols: 2, repeating: 50)
        let (sx, sy) = (Matrix<Float>([[1, 1], [0.5, 0.8]]), Matrix<Float>([[1], [0]]))
        let raw = TrainingHealth(network: saturated, input: sx, target: sy, learningRate: 0.1)
        #expect(raw.warnings.contains { $0.contains("standardised inputs") && $0.contains("Xavier") })
        let scaled = TrainingHealth(network: saturated, input: sx, target: sy, optimizer: .gradientDescent(learningRate: 0.1),
                                    learningRates: [0.1], setting: .init(scaledInputs: true, initializers: [.xavier, .xavier]))
        let advice = scaled.warnings.first { $0.contains("saturated") } ?? ""
        #expect(!advice.contains("standardised inputs") && !advice.contains("Xavier") && advice.contains("a lower learning rate"))

        var dead = Network<Float>(sizes: [3, 8, 2], activation: .relu, output: .softmax, seed: 2)
        dead.layers[0].biases = [Float](repeating: -50, count: 8)
        let he = TrainingHealth(network: dead, input: x, target: y, optimizer: .gradientDescent(learningRate: 0.1),
                                learningRates: [0.1], setting: .init(scaledInputs: true, initializers: [.he, .xavier]))
        #expect(he.warnings.contains { $0.contains("dead") && !$0.contains("He initialisation") })
        let unknown = TrainingHealth(network: dead, input: x, target: y, learningRate: 0.1)
        #expect(unknown.warnings.contains { $0.contains("dead") && $0.contains("He initialisation") })
    }
}
