import Testing
@testable import Backprop

/// One layer with W = [[0.5, −1]], b = [0.25] and gradients dW = [[0.2, −0.4]], db = [0.1],
/// stepped by each optimizer; the expected numbers are worked out by hand in the comments.
@Suite("Optimizers: one or two steps against hand-computed values")
struct OptimizerTests {
    func network() -> Network<Double> {
        var net = Network<Double>(layers: [Dense(weights: Matrix([[0.5, -1]]), biases: [0.25], activation: .identity)])
        net.layers[0].weightGradient = Matrix([[0.2, -0.4]])
        net.layers[0].biasGradient = [0.1]
        return net
    }

    func close(_ x: [Double], _ y: [Double]) -> Bool { zip(x, y).allSatisfy { abs($0 - $1) < 1e-15 } && x.count == y.count }

    @Test("sgd: p − η g; weight decay adds λp to the weights' gradient only")
    func sgd() {
        var net = network()
        var opt = Optimizer<Double>(.sgd, learningRate: 0.1)
        opt.step(&net)
        #expect(close(net.layers[0].weights.storage, [0.48, -0.96]))     // 0.5 − 0.1·0.2, −1 + 0.1·0.4
        #expect(close(net.layers[0].biases, [0.24]))                     // 0.25 − 0.1·0.1
        var decayed = network()
        var l2 = Optimizer<Double>(.sgd, learningRate: 0.1, weightDecay: 0.01)
        l2.step(&decayed)
        #expect(close(decayed.layers[0].weights.storage, [0.4795, -0.959]))  // g + 0.01p: 0.205, −0.41
        #expect(close(decayed.layers[0].biases, [0.24]))
    }

    @Test("momentum: v = μv + g, p − ηv, over two steps")
    func momentum() {
        var net = network()
        var opt = Optimizer<Double>(.momentum, learningRate: 0.1, momentum: 0.9)
        opt.step(&net)                                                   // v = g = 0.2 → 0.48
        #expect(close(net.layers[0].weights.storage, [0.48, -0.96]))
        opt.step(&net)                                                   // v = 0.9·0.2 + 0.2 = 0.38 → 0.442
        #expect(close(net.layers[0].weights.storage, [0.442, -0.884]))   // v = −0.76 → −0.96 + 0.076
        #expect(close(net.layers[0].biases, [0.221]))                    // v = 0.19 → 0.24 − 0.019
    }

    @Test("nesterov: v = μv + g, p − η(g + μv), over two steps")
    func nesterov() {
        var net = network()
        var opt = Optimizer<Double>(.nesterov, learningRate: 0.1, momentum: 0.9)
        opt.step(&net)                                                   // v = 0.2; g + μv = 0.38 → 0.462
        #expect(close(net.layers[0].weights.storage, [0.462, -0.924]))
        opt.step(&net)                                                   // v = 0.38; g + μv = 0.542 → 0.4078
        #expect(close(net.layers[0].weights.storage, [0.4078, -0.8156]))
    }

    @Test("adam: the first step moves each parameter by about η; AdamW decay is decoupled")
    func adam() {
        var net = network()
        var opt = Optimizer<Double>(.adam, learningRate: 0.01)
        opt.step(&net)
        // m̂ = g, v̂ = g², so the step is η·g/(|g| + ε) = ±0.01·(1 − 5e-8) for g = ±0.2.
        #expect(close(net.layers[0].weights.storage, [0.5 - 0.01 * 0.2 / (0.2 + 1e-8), -1 + 0.01 * 0.4 / (0.4 + 1e-8)]))
        opt.step(&net)
        // Second step, same g: m = 0.9·0.02 + 0.02 = 0.038 → m̂ = 0.038/0.19 = 0.2;
        // v = 0.999·4e-5 + 0.001·0.04 = 7.996e-5 → v̂ = 7.996e-5/0.001999 = 0.04: again ≈ η.
        let w = net.layers[0].weights.storage[0]
        let expected: Double = 0.5 - 2 * 0.01 * 0.2 / (0.2 + 1e-8)
        #expect(abs(w - expected) < 1e-12)
        var decayed = network()
        var adamw = Optimizer<Double>(.adam, learningRate: 0.01, weightDecay: 0.1)
        adamw.step(&decayed)
        // p·(1 − ηλ) first: 0.5·0.999 = 0.4995, then the Adam step −0.01.
        let (expectedWeight, expectedBias): (Double, Double) = (0.4995 - 0.01 * 0.2 / (0.2 + 1e-8), 0.25 - 0.01 * 0.1 / (0.1 + 1e-8))
        #expect(abs(decayed.layers[0].weights.storage[0] - expectedWeight) < 1e-15)
        #expect(abs(decayed.layers[0].biases[0] - expectedBias) < 1e-15)
        #expect(adamw.steps == 1 && adamw.secondMoments.count == 2)
    }

    @Test("schedules: constant, step, cosine")
    func schedules() {
        #expect(LearningRateSchedule.constant.rate(base: 0.1, epoch: 7, epochs: 10) == 0.1)
        let step = LearningRateSchedule.step(every: 10, factor: 0.1)
        #expect(step.rate(base: 0.1, epoch: 9, epochs: 30) == 0.1)
        #expect(abs(step.rate(base: 0.1, epoch: 25, epochs: 30) - 0.001) < 1e-18)
        let cosine = LearningRateSchedule.cosine(minimum: 0.01)
        #expect(cosine.rate(base: 0.1, epoch: 0, epochs: 10) == 0.1)
        #expect(abs(cosine.rate(base: 0.1, epoch: 5, epochs: 10) - 0.055) < 1e-15)   // halfway: the mean
    }

    @Test("a fused gradient-descent step (inside backward) gives the same network as backward + step")
    func fusedStep() {
        let start = Network<Double>(sizes: [5, 7, 4, 3], activation: .tanh, output: .softmax,
                                    loss: .softmaxCrossEntropy, reduction: .mean, seed: 4)
        var rng = SeededGenerator(seed: 5)
        let x: Matrix<Double> = randomMatrix(6, 5, &rng)
        let y = Dataset<Double>.oneHot((0..<6).map { $0 % 3 }, classes: 3)
        var fused = start, separate = start
        var sgd = Optimizer<Double>.gradientDescent(learningRate: 0.3)
        #expect(sgd.isPlainGradientDescent)
        _ = fused.trainStep(x, y, optimizer: &sgd)
        separate.forward(x)
        _ = separate.computeLoss(target: y)
        separate.backward(input: x)
        var plain = Optimizer<Double>.gradientDescent(learningRate: 0.3)
        plain.step(&separate)
        for l in start.layers.indices {
            #expect(maxError(fused.layers[l].weights.storage, separate.layers[l].weights.storage) < 1e-15)
            #expect(maxError(fused.layers[l].biases, separate.layers[l].biases) < 1e-15)
        }
        #expect(sgd.steps == 1)
    }
}
