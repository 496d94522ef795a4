import Foundation
import Testing
@testable import Backprop

@Suite("backprop gradcheck, end to end")
struct GradCheckCommandTests {
    @Test("passes for all combinations with max relative error < 1e-6")
    func all() throws {
        let run = try backprop(["gradcheck", "--all", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSON.parse(run.stdout)
        #expect(json["checks"]?.array?.count == 96)
        #expect(json["passed"] == .bool(true))
        #expect((json["max_relative_error"]?.number).flatMap(Double.init).map { $0 < 1e-6 } == true)
    }

    @Test("the text names each tensor and the worst parameter")
    func text() throws {
        let run = try backprop(["gradcheck", "--layers", "2,3,2", "--activation", "tanh"])
        #expect(run.status == 0, "\(run.stderr)")
        for needle in ["layer 1 W", "layer 1 b", "layer 2 W", "layer 2 b", "worst: layer ", "PASS"] {
            #expect(run.stdout.contains(needle), "missing \(needle)")
        }
    }

    @Test("an impossible tolerance fails with exit 2, and says rounding is why; an infinite one is refused")
    func failure() throws {
        let run = try backprop(["gradcheck", "--tolerance", "1e-300"])
        #expect(run.status == 2)
        #expect(run.stdout.contains("FAIL") && run.stdout.contains("rounding alone may account for"), "\(run.stdout)")
        #expect(try backprop(["gradcheck", "--tolerance", "1e309"]).status == 64)
        let usual = try backprop(["gradcheck"])
        #expect(usual.status == 0 && !usual.stdout.contains("rounding alone"), "\(usual.stdout)")
    }

    @Test("weights too large for finite differences: those parameters are left out and said; none left: cannot check (exit 1)")
    func tooLargeToCheck() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for weight in [1e30, 3.4e38, 1e12] as [Float] {
            let layers = [Dense<Float>(weights: Matrix([[weight, 0.35], [0.67, 0.91]]), biases: [0.9, 0.7], activation: .identity),
                          Dense<Float>(weights: Matrix([[0.12, -0.24]]), biases: [-0.03], activation: .identity)]
            try ModelFile(network: Network(layers: layers, loss: .squaredError)).write(to: folder.appendingPathComponent("m.json").path)
            let run = try backprop(["gradcheck", "--model", "m.json"], in: folder)
            #expect(run.status == 0 && run.stdout.contains("parameters where rounding in Double could account for the difference"), "\(weight): \(run.stdout) \(run.stderr)")
        }
        let huge = Dense<Float>(weights: Matrix([[1e30]]), biases: [1e30], activation: .identity)
        try ModelFile(network: Network(layers: [huge, huge], loss: .squaredError)).write(to: folder.appendingPathComponent("h.json").path)
        expectInputError(try backprop(["gradcheck", "--model", "h.json"], in: folder), "cannot check: at every parameter rounding in Double could account for the difference")
    }

    @Test("a model file is checked; bad options are usage errors")
    func modelAndUsage() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try ModelFile(network: Network<Float>(sizes: [3, 4, 2], activation: .relu, output: .sigmoid,
                                              loss: .binaryCrossEntropy, seed: 2)).write(to: folder.appendingPathComponent("m.json").path)
        let run = try backprop(["gradcheck", "--model", "m.json", "--json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try JSON.parse(run.stdout)["checks"]?[0]?["tensors"]?.array?.count == 4)
        #expect(try backprop(["gradcheck", "--layers", "2,x"]).status == 64)
        #expect(try backprop(["gradcheck", "--loss", "binary-cross-entropy", "--output", "relu"]).status == 64)
        #expect(try backprop(["gradcheck", "--loss", "softmax-cross-entropy", "--output", "softmax", "--layers", "2,3,1"]).status == 64)
        expectInputError(try backprop(["gradcheck", "--model", "none.json"], in: folder), "cannot read none.json")
    }

    @Test("a check that would take hours is refused before it starts: a big --model, --all on a large network, many --samples")
    func tooMuchWork() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try ModelFile(network: Network<Float>(sizes: [784, 512, 256, 10], activation: .relu, output: .softmax,
                                              loss: .softmaxCrossEntropy, seed: 2)).write(to: folder.appendingPathComponent("big.json").path)
        expectInputError(try backprop(["gradcheck", "--model", "big.json"], in: folder),
                         "big.json: checking 535818 parameters on 4 samples takes about 4.6e+12 multiply-adds")
        let all = try backprop(["gradcheck", "--layers", "200,200,200", "--all"])     // ran 11 minutes
        #expect(all.status == 64 && all.stderr.contains("in each of 96 networks") && all.stderr.contains("leave out --all"), "\(all.stderr)")
        let samples = try backprop(["gradcheck", "--layers", "300,300,30", "--samples", "100"])
        #expect(samples.status == 64 && samples.stderr.contains("fewer --samples"), "\(samples.stderr)")
        #expect(try backprop(["gradcheck", "--layers", "30,30,3", "--samples", "10"]).status == 0)
        // ten 1×1 identity layers of weight 1e38: z reaches 1e380, beyond Double; NaN errors passed with exit 0
        let deep = Network<Float>(layers: (0..<10).map { _ in Dense(weights: Matrix([[1e38]]), biases: [0], activation: .identity) },
                                  loss: .squaredError)
        try ModelFile(network: deep).write(to: folder.appendingPathComponent("deep.json").path)
        expectInputError(try backprop(["gradcheck", "--model", "deep.json"], in: folder), "gradient is NaN or infinite (the network overflows Double")
    }
}
