import Foundation
import Testing
@testable import Backprop

@Suite("Divergence, Ctrl-C, determinism and interrupted saves")
struct RobustnessTests {
    @Test("divergence: exit 3, where it happened and a hint on stderr, the last good model saved")
    func divergence() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try backprop(["train", "--data", "circles", "--layers", "2,16,2", "--output", "identity", "--loss", "squared-error",
                                "--lr", "100", "--epochs", "20", "--save", "m.json"], in: folder)
        #expect(run.status == 3)
        #expect(run.stderr.contains("training diverged at epoch 1, batch"))
        #expect(run.stderr.contains("became NaN or infinite first. Try a lower learning rate (it is 100.0)"))
        #expect(run.stderr.contains("Kept the initial parameters and saved them to m.json"))
        let saved = try ModelFile<Float>(contentsOf: folder.appendingPathComponent("m.json").path)
        let initial = Network<Float>(activations: [.relu, .identity], sizes: [2, 16, 2], loss: .squaredError, reduction: .mean, seed: 1)
        #expect(saved.network.layers.map(\.weights) == initial.layers.map(\.weights))
    }

    @Test("same seed, 1 thread: two runs save bit-identical models")
    func determinism() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["a.json", "b.json"] {
            let run = try backprop(["train", "--data", "spiral", "--layers", "2,12,12,2", "--optimizer", "adam", "--lr", "0.01",
                                    "--epochs", "20", "--threads", "1", "--seed", "7", "--save", name], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let a = try Data(contentsOf: folder.appendingPathComponent("a.json"))
        let b = try Data(contentsOf: folder.appendingPathComponent("b.json"))
        #expect(a == b)
    }

    /// Runs `backprop arguments` in `folder`, waits until its stdout holds `lines` lines (and
    /// `pause` seconds more), presses Ctrl-C, and returns its exit status and stderr. With
    /// `stderrReaderGone`, stderr is a pipe whose reader has closed it (as `2>&1 | tee` after a
    /// Ctrl-C that ended tee too): every write to it fails.
    func interrupted(_ arguments: [String], in folder: URL, afterLines lines: Int,
                     pause: Double = 0, stderrReaderGone: Bool = false, echo: Bool = false) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = try backpropBinary()
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let out = folder.appendingPathComponent("out.txt"), err = folder.appendingPathComponent("err.txt")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        let pipe = Pipe()
        process.standardError = stderrReaderGone ? pipe : try FileHandle(forWritingTo: err)
        try process.run()
        if stderrReaderGone { try pipe.fileHandleForReading.close() }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, (try? String(contentsOf: out, encoding: .utf8))?.split(separator: "\n").count ?? 0 < lines {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: pause)
        kill(process.processIdentifier, SIGINT)
        if echo { usleep(1_000); kill(process.processIdentifier, SIGINT) }     // one press delivered twice, as `timeout -s INT` may
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: err, encoding: .utf8))
    }

    @Test("Ctrl-C: stops after the batch, saves, exits 130")
    func interrupt() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Ctrl-C once a few epochs have been printed (the headline, the header, two epochs).
        let run = try interrupted(["train", "--data", "circles", "--samples", "2000", "--layers", "2,64,64,2",
                                   "--epochs", "100000", "--save", "m.json"], in: folder, afterLines: 4)
        #expect(run.status == 130)
        #expect(run.stderr.contains("interrupted after"), "\(run.stderr)")
        #expect(run.stderr.contains("saved the model to m.json"))
        #expect(try ModelFile<Float>(contentsOf: folder.appendingPathComponent("m.json").path).network.sizes == [2, 64, 64, 2])
    }

    @Test("one Ctrl-C delivered twice within a millisecond (timeout -s INT) is one press: the model is still saved")
    func interruptEcho() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for _ in 0..<3 {
            let run = try interrupted(["train", "--data", "circles", "--samples", "2000", "--layers", "2,64,64,2",
                                       "--epochs", "100000", "--save", "m.json", "--overwrite"], in: folder, afterLines: 4, echo: true)
            #expect(run.status == 130 && run.stderr.contains("saved the model to m.json"), "\(run.stderr)")
        }
    }

    @Test("Ctrl-C with stderr a pipe whose reader is gone (2>&1 | tee): still stops, saves, exits 130")
    func interruptWithStderrGone() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try interrupted(["train", "--data", "circles", "--samples", "2000", "--layers", "2,64,64,2",
                                   "--epochs", "100000", "--save", "m.json"], in: folder, afterLines: 4, stderrReaderGone: true)
        #expect(run.status == 130)
        #expect(try ModelFile<Float>(contentsOf: folder.appendingPathComponent("m.json").path).network.sizes == [2, 64, 64, 2])
    }

    @Test("Ctrl-C before the first epoch ends: exit 130, says that nothing was saved, the old file untouched")
    func interruptBeforeFirstEpoch() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let old = ModelFile(network: Network<Float>(sizes: [2, 3, 2], activation: .tanh, seed: 2))
        let target = folder.appendingPathComponent("m.json")
        try old.write(to: target.path)
        let before = try Data(contentsOf: target)
        // Ctrl-C 0.2 s after the headline and the header (flushed before the first step), in an
        // epoch of 200,000 single-sample steps through 256 × 256: far longer than that.
        let run = try interrupted(["train", "--data", "circles", "--samples", "200000", "--layers", "2,256,256,2",
                                   "--batch", "1", "--epochs", "2", "--threads", "1", "--save", "m.json"],
                                  in: folder, afterLines: 2, pause: 0.2)
        #expect(run.status == 130)
        #expect(run.stderr.contains("interrupted after 0 complete epochs; nothing saved, as no epoch of this run had ended (m.json was not written)"),
                "\(run.stderr)")
        #expect(try Data(contentsOf: target) == before)
    }

    @Test("a save killed at any moment leaves the old file or the new one, never a torn one")
    func killDuringSave() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A model of about 8 MB of JSON, so that writing it takes a while.
        let big = ModelFile(network: Network<Float>(sizes: [784, 512, 512, 10], activation: .relu, output: .softmax,
                                                    loss: .softmaxCrossEntropy, seed: 1))
        try big.write(to: folder.appendingPathComponent("big.json").path)
        let small = ModelFile(network: Network<Float>(sizes: [2, 3, 2], activation: .tanh, seed: 2))
        let target = folder.appendingPathComponent("out.json").path
        try small.write(to: target)
        for attempt in 0..<12 {
            let process = Process()
            process.executableURL = try backpropBinary()
            process.arguments = ["convert", "big.json", "out.json"]
            process.currentDirectoryURL = folder
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: 0.02 * Double(attempt))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let now = try ModelFile<Float>(contentsOf: target)      // must parse: old or new, whole
            #expect(now.network.sizes == [2, 3, 2] || now.network.sizes == [784, 512, 512, 10])
            if now.network.sizes != [2, 3, 2] { try small.write(to: target) }
        }
        // No temporary files are left behind by finished saves; killed ones may leave .out.json.tmp-*.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
        #expect(Set(leftovers) == ["big.json", "out.json"])
    }
}

@Suite("Malformed input through the CLI: one line naming the file and the place, exit 1")
struct MalformedInputTests {
    func folder(_ files: [String: [UInt8]]) throws -> URL {
        let url = try temporaryFolder()
        for (name, bytes) in files {
            let path = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: path)
        }
        return url
    }

    static let labels = IDXArray.encode(shape: [2], values: [0, 1])

    @Test("IDX: wrong magic, header larger than the data, truncated gzip")
    func idx() throws {
        let tiny = fixtures.appendingPathComponent("tiny-idx/train-images-idx3-ubyte.gz")
        let gz = [UInt8](try Data(contentsOf: tiny))
        let cases: [([String: [UInt8]], String)] = [
            (["d/train-images-idx3-ubyte": [1, 2, 3, 4, 5], "d/train-labels-idx1-ubyte": Self.labels],
             "d/train-images-idx3-ubyte: not an IDX file (it starts with 01 02, expected 00 00)"),
            (["d/train-images-idx3-ubyte": IDXArray.encode(shape: [2, 3, 3], values: [1, 2, 3]), "d/train-labels-idx1-ubyte": Self.labels],
             "d/train-images-idx3-ubyte: the header says 2×3×3 = 18 values, the file holds 3"),
            (["d/train-images-idx3-ubyte.gz": Array(gz.prefix(gz.count / 2)), "d/train-labels-idx1-ubyte": Self.labels],
             "d/train-images-idx3-ubyte.gz: the gzip data is truncated"),
            (["d/train-images-idx3-ubyte": IDXArray.encode(shape: [3, 2, 2], values: Array(repeating: 7, count: 12)), "d/train-labels-idx1-ubyte": Self.labels],
             "d/train-labels-idx1-ubyte: 2 labels for 3 images"),
            (["d/train-images-idx3-ubyte": IDXArray.encode(shape: [2, 2, 2], values: Array(repeating: 7, count: 8)),
              "d/train-labels-idx1-ubyte": IDXArray.encode(shape: [2], values: [255, 255])],
             "d/train-labels-idx1-ubyte: every label is 255: classification needs at least 2 classes"),
        ]
        for (files, message) in cases {
            let dir = try folder(files)
            defer { try? FileManager.default.removeItem(at: dir) }
            expectInputError(try backprop(["train", "--data", "d"], in: dir), message)
        }
    }

    @Test("model files: safetensors with a lying header, JSON with a non-finite weight, a wrong shape")
    func models() throws {
        var st = Array(repeating: UInt8(0), count: 8)
        st[0] = 0xFF; st[1] = 0xFF
        let json = #"{"format": "backprop-model", "version": 1, "loss": "squared-error", "layers": [{"activation": "relu", "weights": [[1, 2e40]], "biases": [0]}]}"#
        let dir = try folder(["bad.safetensors": st + [0x7B], "inf.json": Array(json.utf8)])
        defer { try? FileManager.default.removeItem(at: dir) }
        expectInputError(try backprop(["evaluate", "--model", "bad.safetensors", "--data", "xor"], in: dir),
                         "bad.safetensors: safetensors: the header claims 65535 bytes but the file has 1 after the length")
        expectInputError(try backprop(["predict", "--model", "inf.json", "--input", "1,2"], in: dir),
                         "inf.json: layers[0].weights[0][1]: 2e40 is out of range for Float")
        expectInputError(try backprop(["predict", "--model", "inf.json", "--input", "1,2,3"], in: dir),
                         "inf.json: layers[0].weights[0][1]")
    }

    @Test("traps an audit reached from input, each now one line: Int.max as a layer size, a checkpoint's step count, a class named twice, IDX test images of another size")
    func auditedTraps() throws {
        for command in [["train", "--data", "xor"], ["gradcheck"]] {          // counting its parameters overflowed Int
            let run = try backprop(command + ["--layers", "9223372036854775807,2"])
            #expect(run.status == 64 && run.stderr.split(separator: "\n").count == 1 && run.stderr.contains("--layers"), "\(command): \(run.stderr)")
        }
        let twice = #"{"format": "backprop-model", "version": 2, "loss": "softmax-cross-entropy", "classes": ["a", "a"], "layers": [{"activation": "softmax", "weights": [[1], [2]], "biases": [0, 0]}]}"#
        let dir = try folder(["twice.json": Array(twice.utf8), "d.csv": Array("x,label\n1,a\n2,a\n".utf8),
                              "i/train-images-idx3-ubyte": IDXArray.encode(shape: [2, 2, 2], values: Array(repeating: 7, count: 8)),
                              "i/train-labels-idx1-ubyte": IDXArray.encode(shape: [2], values: [0, 1]),
                              "i/t10k-images-idx3-ubyte": IDXArray.encode(shape: [2, 3, 3], values: Array(repeating: 7, count: 18)),
                              "i/t10k-labels-idx1-ubyte": IDXArray.encode(shape: [2], values: [0, 1])])
        defer { try? FileManager.default.removeItem(at: dir) }
        expectInputError(try backprop(["evaluate", "--model", "twice.json", "--data", "d.csv"], in: dir), "twice.json: classes[1]: 'a' names two classes")
        expectInputError(try backprop(["train", "--data", "i", "--epochs", "1"], in: dir),
                         "i: its t10k images have 9 pixels and 2 classes, its train images 4 and 2; the two sets must match")
        #expect(try backprop(["train", "--data", "xor", "--epochs", "1", "--checkpoint-every", "1", "--checkpoint", "ck.json"], in: dir).status == 0)
        let path = dir.appendingPathComponent("ck.json")
        let text = try String(contentsOf: path, encoding: .utf8)
        let huge = try #require(text.range(of: #""steps": [0-9]+"#, options: .regularExpression))
        try text.replacingCharacters(in: huge, with: #""steps": 9223372036854775807"#).write(to: path, atomically: true, encoding: .utf8)
        expectInputError(try backprop(["train", "--resume", "ck.json", "--epochs", "2"], in: dir), "checkpoint.optimizer.steps")
        let explained = try backprop(["explain", "--model", "ck.json", "--state", "ck.json", "--input", "0,1", "--target", "1,0"], in: dir)
        #expect(explained.status == 1 && explained.stderr.contains("checkpoint.optimizer.steps"), "\(explained.stderr)")
    }
}

@Suite("Checkpoints and --resume")
struct CheckpointTests {
    static let run = ["train", "--data", "spiral", "--layers", "2,12,2", "--optimizer", "adam", "--lr", "0.01",
                      "--schedule", "cosine", "--validation-split", "0.2", "--epochs", "6", "--batch", "32"]

    @Test("resuming from epoch 3 ends with the same weights as the uninterrupted run")
    func resumeIsExact() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try backprop(Self.run + ["--save", "whole.json"], in: folder).status == 0)
        let checkpointed = try backprop(Self.run + ["--checkpoint-every", "3", "--checkpoint", "ck-{epoch}.json"], in: folder)
        #expect(checkpointed.status == 0, "\(checkpointed.stderr)")
        let resumed = try backprop(Self.run + ["--resume", "ck-3.json", "--save", "resumed.json"], in: folder)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming from ck-3.json after epoch 3"))
        #expect(!resumed.stdout.contains("\n         1 "))        // epochs 4…6 only
        let whole = try ModelFile<Float>(contentsOf: folder.appendingPathComponent("whole.json").path)
        let again = try ModelFile<Float>(contentsOf: folder.appendingPathComponent("resumed.json").path)
        #expect(again.network.layers.map(\.weights) == whole.network.layers.map(\.weights))
        #expect(again.network.layers.map(\.biases) == whole.network.layers.map(\.biases))
        // A checkpoint is a model file too.
        #expect(try backprop(["evaluate", "--model", "ck-6.json", "--data", "spiral"], in: folder).status == 0)
    }

    @Test("--resume ck.json alone continues the run bit for bit; --epochs extends it (cosine over the new total)")
    func resumeAlone() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try backprop(Self.run + ["--save", "whole.json"], in: folder).status == 0)
        #expect(try backprop(Self.run + ["--checkpoint-every", "3", "--checkpoint", "ck-{epoch}.json"], in: folder).status == 0)
        let resumed = try backprop(["train", "--resume", "ck-3.json", "--save", "resumed.json", "--json"], in: folder)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let whole = try ModelFile<Float>(contentsOf: folder.appendingPathComponent("whole.json").path)
        let again = try ModelFile<Float>(contentsOf: folder.appendingPathComponent("resumed.json").path)
        #expect(again.network.layers.map(\.weights) == whole.network.layers.map(\.weights))
        #expect(again.network.layers.map(\.biases) == whole.network.layers.map(\.biases))
        #expect(again.training.first { $0.key == "epochs_done" }?.value == .number("6"))
        // Extending the finished run to 9 epochs: epoch 7's learning rate is cosine(6 of 9).
        let extended = try backprop(["train", "--resume", "ck-6.json", "--epochs", "9", "--json"], in: folder)
        #expect(extended.status == 0, "\(extended.stderr)")
        let epochs = try #require(JSON.parse(extended.stdout)["epochs"]?.array)
        #expect(epochs.map { $0["epoch"] } == [.number("7"), .number("8"), .number("9")])
        let rate = LearningRateSchedule.cosine(minimum: 0).rate(base: 0.01, epoch: 6, epochs: 9)
        #expect(epochs[0]["learning_rate"]?.number.flatMap(Double.init) == rate)
        // Only --epochs, --threads, --lr, --weight-decay, --l1 and --batch may differ; a broken checkpoint names its file.
        expectInputError(try backprop(["train", "--resume", "ck-3.json", "--schedule", "step"], in: folder),
                         "--resume ck-3.json: it was trained with schedule \"cosine\", this command gives \"step\"")
        try "{}".write(to: folder.appendingPathComponent("empty.json"), atomically: true, encoding: .utf8)
        expectInputError(try backprop(["train", "--resume", "empty.json"], in: folder), "empty.json: ")
        expectInputError(try backprop(["train", "--resume", "none.json"], in: folder), "none.json")
        #expect(try backprop(["train", "--checkpoint-every", "2", "--checkpoint", "c.safetensors", "--data", "xor"], in: folder).status == 64)
    }

    @Test("a checkpoint round-trips the optimizer state exactly")
    func roundTrip() throws {
        var net = Network<Float>(sizes: [3, 5, 2], activation: .tanh, output: .softmax, loss: .softmaxCrossEntropy, seed: 4)
        var adam = Optimizer<Float>(.adam, learningRate: 0.01, weightDecay: 0.001)
        let x = Matrix<Float>([[0.1, -0.2, 0.3], [0.5, 0.4, -0.1]]), y = Dataset<Float>.oneHot([0, 1], classes: 2)
        for _ in 0..<3 { _ = net.trainStep(x, y, optimizer: &adam) }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.json").path
        try Checkpoint(model: ModelFile(network: net), epochsDone: 2, optimizer: adam).write(to: path)
        let back = try Checkpoint<Float>(contentsOf: path)
        #expect(back.epochsDone == 2 && back.optimizer.steps == 3 && back.optimizer.kind == .adam)
        #expect(back.optimizer.firstMoments == adam.firstMoments && back.optimizer.secondMoments == adam.secondMoments)
        #expect(back.optimizer.weightDecay == adam.weightDecay)
        #expect(throws: ModelFileError.self) { _ = try Checkpoint<Float>(contentsOf: fixtures.appendingPathComponent("xor_numpy_seed42_model.json").path) }
        // Edited by hand: settings out of their update rule's range, and epochs that disagree, are named.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for (key, value, message) in [("beta2", "5", "checkpoint.optimizer.beta2: must be in [0, 1) (got 5)"),
                                      ("beta2", "1", "checkpoint.optimizer.beta2: must be in [0, 1) (got 1)"),
                                      ("beta1", "-3", "checkpoint.optimizer.beta1: must be in [0, 1) (got -3)"),
                                      ("epsilon", "0", "checkpoint.optimizer.epsilon: must be > 0"),
                                      ("weight_decay", "-0.5", "checkpoint.optimizer.weight_decay: must be ≥ 0")] {
            let edited = text.replacingOccurrences(of: "\"\(key)\": *[-0-9.e]+", with: "\"\(key)\": \(value)", options: .regularExpression)
            #expect(edited != text, "\(key) is in the file")
            #expect { _ = try Checkpoint<Float>(text: edited) } throws: { "\($0)".contains(message) }
        }
        let mixed = Checkpoint(model: ModelFile(network: net, training: [("epochs_done", .number(1))]), epochsDone: 2, optimizer: adam)
        #expect { _ = try Checkpoint<Float>(text: mixed.json.serialized(pretty: true)) } throws: { "\($0)".contains("training.epochs_done: is 1, not checkpoint.epochs_done (2)") }
        var negative = adam
        negative.secondMoments[1][2] = -1
        #expect { _ = try Checkpoint<Float>(text: Checkpoint(model: ModelFile(network: net), epochsDone: 2, optimizer: negative).json.serialized()) } throws: {
            "\($0)".contains("checkpoint.optimizer.second_moments[1][2]: must be ≥ 0")
        }
        let otherPlan = Checkpoint(model: ModelFile(network: net, training: [("optimizer", .string("momentum"))]), epochsDone: 2, optimizer: adam)
        #expect { _ = try Checkpoint<Float>(text: otherPlan.json.serialized()) } throws: {
            "\($0)".contains("training.optimizer: is momentum, but checkpoint.optimizer.kind is adam")
        }
        let tooMany = Checkpoint(model: ModelFile(network: net, training: [("epochs_done", .number(4))]), epochsDone: 4, optimizer: adam)
        #expect { _ = try Checkpoint<Float>(text: tooMany.json.serialized(pretty: true)) } throws: {
            "\($0)".contains("checkpoint.epochs_done: is 4, but the optimizer took 3 steps (checkpoint.optimizer.steps) and every epoch takes at least one")
        }
    }

    @Test("resume refuses different options, a finished run and --patience")
    func refuses() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try backprop(Self.run + ["--checkpoint-every", "6", "--checkpoint", "ck.json"], in: folder).status == 0)
        var other = Self.run
        other[other.firstIndex(of: "2,12,2")!] = "2,10,2"
        expectInputError(try backprop(other + ["--resume", "ck.json"], in: folder), "it was trained with layers [2, 12, 2], this command gives [2, 10, 2]")
        expectInputError(try backprop(Self.run + ["--resume", "ck.json"], in: folder), "it has done 6 epochs already")
        #expect(try backprop(Self.run + ["--resume", "ck.json", "--patience", "3"], in: folder).status == 64)
    }
}
