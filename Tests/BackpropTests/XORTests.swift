import Foundation
import Testing
@testable import Backprop

@Suite("The tutorial: XOR against the NumPy formulation")
struct XORTests {
    /// The NumPy run's first weights as a network (fixture written by make_xor_fixture.py).
    func numpyStart<T: Scalar>(_: T.Type) throws -> Network<T> {
        try ModelFile<T>(text: fixture("xor_numpy_seed42_model.json")).network
    }

    @Test("Double: the same losses along the way and the same result after 10000 epochs (1e-9)")
    func doubleTrajectory() throws {
        try trajectory(Double.self, tolerance: 1e-9)
    }

    @Test("Float: the same losses and result as NumPy's float64 run, to 1e-5")
    func floatTrajectory() throws {
        try trajectory(Float.self, tolerance: 1e-5)
    }

    func trajectory<T: Scalar>(_: T.Type, tolerance: Double) throws {
        let expected = try fixtureJSON("xor_numpy_trajectory.json")
        let checkpoints = try #require(expected["loss_at_epoch"]?.members)
        var net = try numpyStart(T.self)
        let (x, y) = ToySets.xor(T.self)
        var seen: [String: Double] = [:]
        var sgd = Optimizer<T>.gradientDescent(learningRate: 0.5)
        net.train(x, y, epochs: 10000, optimizer: &sgd) { epoch, loss in
            if checkpoints.contains(where: { $0.key == String(epoch) }) { seen[String(epoch)] = Double(loss) }
            return true
        }
        for (epoch, value) in checkpoints {
            let want = try #require(value.double)
            let got = try #require(seen[epoch])
            #expect(abs(got - want) < tolerance, "epoch \(epoch): \(got) vs NumPy \(want)")
        }
        let finalLoss = Double(net.lossValue(x, y))
        #expect(abs(finalLoss - (try #require(expected["final_loss"]?.double))) < tolerance)
        let predictions = net.predict(x).storage.map { Double($0) }
        let want = try #require(expected["final_predictions"]?.doubles)
        #expect(maxError(predictions, want) < tolerance, "\(predictions) vs \(want)")
    }

    @Test("a training step is the tutorial's formulas, written out by hand for one sample")
    func oneStepByHand() {
        // 2-1-1 sigmoid network, x = (1, 0), y = 1, η = 0.5, computed with the formulas directly.
        let w1 = [0.3, -0.2], b1 = 0.1, w2 = 0.8, b2 = -0.4
        func s(_ z: Double) -> Double { 1 / (1 + Foundation.exp(-z)) }
        let a1 = s(w1[0] * 1 + w1[1] * 0 + b1)
        let a2 = s(w2 * a1 + b2)
        let d2 = (a2 - 1) * a2 * (1 - a2)
        let d1 = w2 * d2 * a1 * (1 - a1)
        var net = Network<Double>(layers: [
            Dense(weights: Matrix([w1]), biases: [b1], activation: .sigmoid),
            Dense(weights: Matrix([[w2]]), biases: [b2], activation: .sigmoid),
        ])
        var sgd = Optimizer<Double>.gradientDescent(learningRate: 0.5)
        _ = net.trainStep(Matrix([[1, 0]]), Matrix([[1]]), optimizer: &sgd)
        #expect(abs(net.layers[1].weights[0, 0] - (w2 - 0.5 * d2 * a1)) < 1e-15)
        #expect(abs(net.layers[1].biases[0] - (b2 - 0.5 * d2)) < 1e-15)
        #expect(abs(net.layers[0].weights[0, 0] - (w1[0] - 0.5 * d1 * 1)) < 1e-15)
        #expect(net.layers[0].weights[0, 1] == w1[1])              // input 0: dz/dW = 0
        #expect(abs(net.layers[0].biases[0] - (b1 - 0.5 * d1)) < 1e-15)
    }

    @Test("backprop xor's default network (seed 42) learns XOR")
    func defaultLearns() {
        var net = Network<Float>.tutorial(seed: 42)
        let (x, y) = ToySets.xor(Float.self)
        var sgd = Optimizer<Float>.gradientDescent(learningRate: 0.5)
        net.train(x, y, epochs: 10000, optimizer: &sgd)
        let out = net.predict(x).storage
        #expect(zip(out, y.storage).allSatisfy { ($0 > 0.5) == ($1 > 0.5) }, "\(out)")
        #expect(net.lossValue(x, y) < 0.01)
    }

    @Test("mean reduction divides the gradient by the batch size")
    func meanReduction() {
        var sum = Network<Double>(sizes: [2, 3, 1], activation: .tanh, output: .sigmoid, seed: 2)
        var mean = sum
        mean.reduction = .mean
        let (x, y) = ToySets.xor(Double.self)
        sum.forward(x); let ls = sum.computeLoss(target: y); sum.backward(input: x)
        mean.forward(x); let lm = mean.computeLoss(target: y); mean.backward(input: x)
        #expect(abs(lm - ls / 4) < 1e-15)
        #expect(maxError(mean.layers[0].weightGradient.storage, sum.layers[0].weightGradient.storage.map { $0 / 4 }) < 1e-15)
    }
}
