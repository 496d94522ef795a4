import Testing
@testable import Backprop

@Suite("Seeded generator and initialisation")
struct RandomTests {
    @Test("xoshiro256** seeded by SplitMix64 gives the reference sequence")
    func referenceSequence() {
        // Computed by an independent Python implementation of SplitMix64 + xoshiro256**.
        var rng = SeededGenerator(seed: 42)
        #expect(rng.next() == 1_546_998_764_402_558_742)
        #expect(rng.next() == 6_990_951_692_964_543_102)
        #expect(rng.next() == 12_544_586_762_248_559_009)
        var u = SeededGenerator(seed: 42)
        #expect(u.uniform() == 0.08386297105988216)
    }

    @Test("the same seed gives the same network, another seed another one")
    func seededNetworks() {
        let a = Network<Float>(sizes: [3, 5, 2], activation: .tanh, seed: 9)
        let b = Network<Float>(sizes: [3, 5, 2], activation: .tanh, seed: 9)
        let c = Network<Float>(sizes: [3, 5, 2], activation: .tanh, seed: 10)
        #expect(a.layers.map(\.weights) == b.layers.map(\.weights))
        #expect(a.layers.map(\.biases) == b.layers.map(\.biases))
        #expect(a.layers.map(\.weights) != c.layers.map(\.weights))
    }

    @Test("tutorial initialisation: every weight and bias in [0, 1), drawn weights first, row by row")
    func tutorialInit() {
        let net = Network<Double>.tutorial(seed: 42)
        var rng = SeededGenerator(seed: 42)
        let expected = (0..<9).map { _ in rng.uniform() }
        let drawn = net.layers.flatMap { $0.weights.storage + $0.biases }
        #expect(drawn == expected)
        #expect(drawn.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test("Float network = Double network rounded: the same draws in both precisions")
    func precisionsAgree() {
        let f = Network<Float>(sizes: [4, 3, 2], activation: .relu, seed: 5)
        let d = Network<Double>(sizes: [4, 3, 2], activation: .relu, seed: 5)
        #expect(f.layers[0].weights.storage == d.layers[0].weights.storage.map { Float($0) })
    }

    @Test("same seed, same training run, bit for bit")
    func deterministicTraining() {
        func run() -> [Float] {
            var net = Network<Float>(sizes: [2, 3, 1], activation: .tanh, output: .sigmoid, seed: 11)
            let (x, y) = ToySets.xor(Float.self)
            var sgd = Optimizer<Float>.gradientDescent(learningRate: 0.3)
            net.train(x, y, epochs: 200, optimizer: &sgd)
            return net.layers.flatMap { $0.weights.storage + $0.biases }
        }
        #expect(run() == run())
    }
}

@Suite("Initializers")
struct InitializerTests {
    @Test("xavier and he draw within their limits, biases 0; defaults per activation")
    func limits() {
        var rng = SeededGenerator(seed: 1)
        let (wx, bx) = Initializer.xavier.draw(inputs: 30, outputs: 20, generator: &rng)
        #expect(wx.allSatisfy { abs($0) <= (6.0 / 50).squareRoot() } && bx.allSatisfy { $0 == 0 })
        let (wh, _) = Initializer.he.draw(inputs: 30, outputs: 20, generator: &rng)
        #expect(wh.allSatisfy { abs($0) <= (6.0 / 30).squareRoot() })
        // Uniform on ±L has variance L²/3: He's is 2/in, Xavier's 2/(in + out).
        let variance = wh.map { $0 * $0 }.reduce(0, +) / Double(wh.count)
        #expect(abs(variance - 2.0 / 30) < 0.01)
        #expect(Initializer.standard(for: .relu) == .he && Initializer.standard(for: .leakyRelu) == .he)
        #expect(Initializer.standard(for: .tanh) == .xavier && Initializer.standard(for: .softmax) == .xavier)
        let net = Network<Float>(sizes: [4, 8, 3], activation: .relu, output: .softmax, loss: .softmaxCrossEntropy, seed: 2)
        #expect(net.layers[0].weights.storage.allSatisfy { abs($0) <= Float((6.0 / 4).squareRoot()) })
        #expect(net.layers[0].weights.storage.contains { $0 < 0 })
    }
}
