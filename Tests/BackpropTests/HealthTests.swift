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
}
