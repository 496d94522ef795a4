import Foundation
import Testing
@testable import Backprop

@Suite("backprop explain, end to end")
struct ExplainCommandTests {
    /// A hand-written 2-2-2 model file: the step-by-step example's weights.
    static let model = """
        {"format": "backprop-model", "version": 1, "loss": "squared-error",
         "layers": [
           {"activation": "sigmoid", "weights": [[0.15, 0.20], [0.25, 0.30]], "biases": [0.35, 0.35]},
           {"activation": "sigmoid", "weights": [[0.40, 0.45], [0.50, 0.55]], "biases": [0.60, 0.60]}
         ]}
        """

    func withModel(_ body: (URL) throws -> Void) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.model.write(to: folder.appendingPathComponent("net.json"), atomically: true, encoding: .utf8)
        try body(folder)
    }

    @Test("--json on the hand-written 2-2-2 model reproduces the hand-computed numbers")
    func json() throws {
        try withModel { folder in
            let run = try backprop(["explain", "--model", "net.json", "--input", "0.05,0.1", "--target", "0.01,0.99", "--json"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let json = try JSON.parse(run.stdout)
            func number(_ v: JSON?) -> Double { v?.number.flatMap(Double.init) ?? .nan }
            #expect(abs(number(json["loss"]) - 0.298371109) < 5e-10)
            let out = try #require(json["layers"]?[1]), hidden = try #require(json["layers"]?[0])
            #expect(abs(number(out["a"]?[0]?[0]) - 0.75136507) < 5e-9)
            #expect(abs(number(out["dloss_da"]?[0]?[0]) - 0.74136507) < 5e-9)
            #expect(abs(number(out["da_dz"]?[0]?[0]) - 0.186815602) < 5e-10)
            #expect(abs(number(out["dW"]?[0]?[0]) - 0.082167041) < 5e-10)
            #expect(abs(number(out["updated_weights"]?[0]?[0]) - 0.35891648) < 5e-9)
            #expect(abs(number(out["updated_weights"]?[1]?[1]) - 0.561370121) < 5e-10)
            #expect(abs(number(hidden["updated_weights"]?[0]?[0]) - 0.149780716) < 5e-10)
            #expect(abs(number(hidden["updated_weights"]?[1]?[1]) - 0.29950229) < 5e-9)
            // ≥ 9 significant digits: the JSON number reads back to the exact Double.
            let dW = try #require(out["dW"]?[0]?[0]?.number)
            #expect(dW.filter(\.isNumber).count >= 9)
            #expect(json["why_delta_excludes_a_prev"]?.string?.contains("dz/db = 1") == true)
        }
    }

    @Test("the text names every quantity of the chain rule, with numbers")
    func text() throws {
        try withModel { folder in
            let run = try backprop(["explain", "--model", "net.json", "--input", "0.05,0.1", "--target", "0.01,0.99"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            for needle in ["z¹[0] = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775",
                           "Loss = Σ ½ (a² − y)² = 0.298371109",
                           "dLoss/da² = a² − y = [0.74136507, -0.217071535]",
                           "da²/dz² = σ'(z²) = a²(1 − a²) = [0.186815602, 0.175510053]",
                           "δ² = dLoss/da² ⊙ σ'(z²)", "dz²/dW² = a¹ = [0.593269992, 0.596884378]",
                           "dLoss/da¹ = (W²)ᵀ δ²", "Why δ is not multiplied by a_prev",
                           "= (a²[0] − y[0]) · a²[0](1 − a²[0]) · a¹[0]",
                           "0.4 − 0.5·0.0821670406 = 0.35891648",
                           "Loss after the step: "] {
                #expect(run.stdout.contains(needle), "missing: \(needle)")
            }
        }
    }

    @Test("--svg writes the annotated diagram")
    func svg() throws {
        try withModel { folder in
            let run = try backprop(["explain", "--model", "net.json", "--input", "0.05,0.1", "--target", "0.01,0.99", "--svg", "step.svg"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let text = try String(contentsOf: folder.appendingPathComponent("step.svg"), encoding: .utf8)
            #expect(text.hasPrefix("<svg") && text.contains("W¹[1][1] 0.3   dW 0.0009954"))
            // A file of another kind there is not replaced by the picture.
            try "my notes\n".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
            let refused = try backprop(["explain", "--svg", "notes.txt"], in: folder)
            #expect(refused.status == 64 && refused.stderr.contains("--svg notes.txt: --svg writes the diagram (SVG), to a .svg file"), "\(refused.stderr)")
            #expect(try String(contentsOf: folder.appendingPathComponent("notes.txt"), encoding: .utf8) == "my notes\n")
            #expect(try backprop(["explain", "--svg", "Step.SVG"], in: folder).status == 0, "an extension in capitals is the same kind")
            // …and so is a model's: M.SAFETENSORS is written and read as safetensors.
            #expect(try backprop(["convert", "net.json", "M.SAFETENSORS"], in: folder).status == 0)
            let written = try Data(contentsOf: folder.appendingPathComponent("M.SAFETENSORS"))
            #expect(written.first != UInt8(ascii: "{") && written.count > 8)
            #expect(try backprop(["explain", "--model", "M.SAFETENSORS", "--input", "0.05,0.1", "--target", "0.01,0.99"], in: folder).status == 0)
        }
    }

    @Test("default: the first step of backprop xor, on the 4 XOR rows")
    func defaultIsXOR() throws {
        let run = try backprop(["explain", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSON.parse(run.stdout)
        #expect(json["input"]?.array?.count == 4)
        let net = Network<Double>.tutorial(seed: 42)
        let (x, y) = ToySets.xor(Double.self)
        #expect(json["loss"]?.number.flatMap(Double.init) == net.lossValue(x, y))
    }

    @Test("bad input: wrong --input length, non-numeric values, missing model")
    func badInput() throws {
        try withModel { folder in
            expectInputError(try backprop(["explain", "--model", "net.json", "--input", "1,2,3", "--target", "0,1"], in: folder),
                             "--input has 3 numbers per sample, but net.json takes 2 inputs")
            expectInputError(try backprop(["explain", "--model", "net.json", "--input", "1,2", "--target", "0"], in: folder),
                             "--target has 1 number per sample, but net.json has 2 outputs")   // #12: not "1 numbers"
            expectInputError(try backprop(["explain", "--model", "missing.json"], in: folder), "cannot read missing.json")
            let nonNumeric = try backprop(["explain", "--input", "0.1,abc", "--target", "1"], in: folder)
            #expect(nonNumeric.status == 64)
            #expect(nonNumeric.stderr.contains("'abc' is not a number"))
            #expect(try backprop(["explain", "--input", "0.1,0.2"], in: folder).status == 64)
            // numbers near Double's limit: the step overflows; said in one line, never printed as inf or nan
            for (args, place) in [(["--input", "1,2", "--target", "1e308"], "the loss before the step"),
                                  (["--optimizer", "adam", "--lr", "1e308"], "layer 1 updated weights")] {
                expectInputError(try backprop(["explain"] + args, in: folder), "the step overflows: \(place) is NaN or infinite")
                expectInputError(try backprop(["explain", "--json"] + args, in: folder), "the step overflows")
            }
        }
    }

    @Test("--optimizer, --weight-decay, --l1 and --dropout: the step is the library's, each parameter's value after it in --json")
    func optimizers() throws {
        try withModel { folder in
            let x = Matrix<Double>([[0.05, 0.1]]), y = Matrix<Double>([[0.01, 0.99]])
            let network = try ModelFile<Double>(text: Self.model).network
            for kind in Optimizer<Double>.Kind.allCases {
                let run = try backprop(["explain", "--model", "net.json", "--input", "0.05,0.1", "--target", "0.01,0.99", "--lr", "0.3",
                                        "--optimizer", kind.rawValue, "--weight-decay", "0.1", "--l1", "0.01", "--json"], in: folder)
                #expect(run.status == 0, "\(run.stderr)")
                let json = try JSON.parse(run.stdout)
                var net = network
                var o = Optimizer<Double>(kind, learningRate: 0.3, weightDecay: 0.1, l1: 0.01)
                _ = net.trainStep(x, y, optimizer: &o)
                for l in 0..<2 {
                    let shown = try #require(json["layers"]?[l]?["updated_weights"]?.array).map { $0.array!.map { Double($0.number!)! } }
                    #expect(shown == net.layers[l].weights.nested, "\(kind) layer \(l + 1)")
                }
                #expect(json["optimizer"]?["kind"] == .string(kind.rawValue) && json["optimizer"]?["l1"]?.number.flatMap(Double.init) == 0.01)
                // The text's update is this rule's (before → after), never plain SGD's arithmetic with this rule's numbers.
                let text = try backprop(["explain", "--model", "net.json", "--input", "0.05,0.1", "--target", "0.01,0.99", "--lr", "0.3",
                                         "--optimizer", kind.rawValue, "--weight-decay", "0.1", "--l1", "0.01"], in: folder)
                #expect(text.stdout.contains("Update by \(kind.rawValue)'s rule, η = 0.3, λ = 0.1, λ₁ = 0.01: each parameter before → after"), "\(text.stdout)")
                #expect(!text.stdout.contains("Update: W ← W − η dLoss/dW"))
                for l in 0..<2 {
                    for (j, row) in net.layers[l].weights.nested.enumerated() {
                        for (k, after) in row.enumerated() {
                            let before = network.layers[l].weights[j, k]
                            #expect(text.stdout.contains("\(String(format: "%.9g", before)) → \(String(format: "%.9g", after))"), "\(kind) W\(l + 1)[\(j)][\(k)]")
                        }
                    }
                }
            }
            let plain = try backprop(["explain", "--model", "net.json", "--input", "0.05,0.1", "--target", "0.01,0.99", "--lr", "0.3"], in: folder)
            #expect(plain.stdout.contains("Update: W ← W − η dLoss/dW") && plain.stdout.contains("0.4 − 0.3·0.0821") && !plain.stdout.contains("→"), "\(plain.stdout)")
            let text = try backprop(["explain", "--model", "net.json", "--input", "0.05,0.1", "--target", "0.01,0.99", "--optimizer", "adam",
                                     "--parameter", "2,0,1"], in: folder)
            #expect(text.stdout.contains("m̂ = m / (1 − β₁^1)") && text.stdout.contains("v ← β₂·v + (1 − β₂)·(dLoss/dW²[0][1])²"))
            let dropout = try backprop(["explain", "--model", "net.json", "--input", "0.05,0.1", "--target", "0.01,0.99", "--dropout", "0.5"], in: folder)
            #expect(dropout.status == 0 && dropout.stdout.contains("the dropout mask"), "\(dropout.stderr)")
            #expect(dropout.stdout.contains("dLoss/da¹' = (W²)ᵀ δ²") && dropout.stdout.contains("δ¹ = dLoss/da¹' ⊙ m¹ ⊙ σ'(z¹)"), "\(dropout.stdout)")
            // The forward shows what the layer above sees: a ⊙ m, the numbers its z uses.
            let forward = try #require(dropout.stdout.split(separator: "\n").first { $0.contains("dropout: a¹' = a¹ ⊙ m¹ = ") })
            let seen = try #require(forward.split(separator: " = ").last?.split(separator: "]").first?.dropFirst()).split(separator: ", ").map { String($0) }
            #expect(dropout.stdout.contains("z²[0] = 0.4·\(seen[0]) + 0.45·\(seen[1])"), "\(dropout.stdout)")
        }
    }

    @Test("targets a loss is not defined for are refused; the mean's 1/B multiplies the whole rule")
    func targets() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let softmax = Network<Float>(sizes: [2, 3, 2], activation: .tanh, output: .softmax, loss: .softmaxCrossEntropy, seed: 3)
        try ModelFile(network: softmax).write(to: folder.appendingPathComponent("s.json").path)
        expectInputError(try backprop(["explain", "--model", "s.json", "--input", "0,1", "--target", "1,1"], in: folder),
                         "--target: softmax-cross-entropy needs targets ≥ 0 that sum to 1 (one-hot for a class, e.g. 0,1,0), not 1,1")
        expectInputError(try backprop(["explain", "--model", "s.json", "--input", "0,1", "--target", "0,1", "--input", "1,0", "--target", "2,-1"], in: folder),
                         "--target 2: softmax-cross-entropy needs")
        #expect(try backprop(["explain", "--model", "s.json", "--input", "0,1", "--target", "0.3,0.7"], in: folder).status == 0)
        let bce = Network<Float>(sizes: [2, 2, 1], activation: .tanh, output: .sigmoid, loss: .binaryCrossEntropy, seed: 3)
        try ModelFile(network: bce).write(to: folder.appendingPathComponent("b.json").path)
        expectInputError(try backprop(["explain", "--model", "b.json", "--input", "0,1", "--target", "2"], in: folder),
                         "--target: binary-cross-entropy needs targets from 0 to 1 (a probability), not 2")
        var mean = Network<Float>(sizes: [2, 2, 1], activation: .sigmoid, output: .sigmoid, loss: .squaredError, seed: 3)
        mean.reduction = .mean
        try ModelFile(network: mean).write(to: folder.appendingPathComponent("m.json").path)
        let text = try backprop(["explain", "--model", "m.json", "--input", "0,1", "--target", "1", "--input", "1,1", "--target", "0"], in: folder)
        #expect(text.stdout.contains("dLoss/da² = (1/2)·(a² − y):"), "\(text.stdout)")
    }

    @Test("--state continues a checkpoint's optimizer: its kind, η and moments; a mismatched network or --optimizer is refused")
    func state() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try backprop(["train", "--data", "xor", "--samples", "40", "--layers", "2,3,2", "--optimizer", "adam", "--lr", "0.01",
                              "--epochs", "2", "--checkpoint-every", "1", "--checkpoint", "ck.json"], in: folder).status == 0)
        let checkpoint = try Checkpoint<Double>(contentsOf: folder.appendingPathComponent("ck.json").path)
        let run = try backprop(["explain", "--model", "ck.json", "--state", "ck.json", "--input", "1,2", "--target", "0,1", "--json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSON.parse(run.stdout)
        var net = checkpoint.model.network, o = checkpoint.optimizer
        _ = net.trainStep(Matrix([[1, 2]]), Matrix([[0, 1]]), optimizer: &o)
        let shown = try #require(json["layers"]?[0]?["updated_weights"]?.array).map { $0.array!.map { Double($0.number!)! } }
        #expect(shown == net.layers[0].weights.nested)
        #expect(json["optimizer"]?["steps"] == .number(o.steps) && json["learning_rate"]?.number.flatMap(Double.init) == 0.01)
        expectInputError(try backprop(["explain", "--state", "ck.json"], in: folder), "--state ck.json holds the optimizer of a 2-3-2 network; the network of --seed is 2-2-1")
        #expect(try backprop(["explain", "--model", "ck.json", "--state", "ck.json", "--input", "1,2", "--target", "0,1", "--optimizer", "sgd"], in: folder).status == 64)
    }
}

@Suite("explain on a scaled model")
struct ExplainScaledModelTests {
    @Test("a model with scaling or features: explain says on stderr that --input is the network's input")
    func note() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("m.json").path
        try ModelFile(network: Network<Float>(sizes: [2, 3, 2], activation: .tanh, output: .softmax, seed: 1),
                      preprocessing: Preprocessing(kind: .standardize, offset: [0, 0], scale: [2, 2])).write(to: path)
        let run = try backprop(["explain", "--model", path, "--input", "0.5,1", "--target", "1,0"])
        #expect(run.status == 0 && run.stderr == "note: --input is taken as the network's input: \(path)'s standardize scaling is not applied to it\n", "\(run.stderr)")
        expectInputError(try backprop(["explain", "--model", path, "--input", "1,2,3", "--target", "1,0"]), "--input has 3 numbers")   // one line: no note
        expectInputError(try backprop(["explain", "--model", path, "--input", "1,2", "--target", "1,0,0"]), "--target")
        // Errors found after the batch are one line too: a wrong --parameter, an overflow, a --state that does not fit.
        expectInputError(try backprop(["explain", "--model", path, "--input", "1,2", "--target", "1,0", "--parameter", "5,0,0"]), "has no such parameter")
        expectInputError(try backprop(["explain", "--model", path, "--input", "1,2", "--target", "1,0", "--lr", "1e308", "--optimizer", "adam"]), "the step overflows")
        expectInputError(try backprop(["explain", "--model", path, "--input", "1,2", "--target", "1,0", "--state", "missing.json"]), "missing.json")
        let plain = folder.appendingPathComponent("p.json").path
        try ModelFile(network: Network<Float>(sizes: [2, 3, 2], activation: .tanh, output: .softmax, seed: 1)).write(to: plain)
        #expect(try backprop(["explain", "--model", plain, "--input", "0.5,1", "--target", "1,0"]).stderr.isEmpty)
    }
}
