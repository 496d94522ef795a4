import Foundation
import Testing
@testable import Backprop

@Suite("Model file: exact round trip and clear errors")
struct ModelFileTests {
    @Test("Float round trip is exact, across magnitudes")
    func floatRoundTrip() throws {
        try roundTrip(Float.self)
    }

    @Test("Double round trip is exact, across magnitudes")
    func doubleRoundTrip() throws {
        try roundTrip(Double.self)
    }

    func roundTrip<T: Scalar>(_: T.Type) throws {
        var net = Network<T>(sizes: [5, 7, 3], activation: .relu, output: .sigmoid,
                             loss: .binaryCrossEntropy, reduction: .mean, seed: 8)
        var rng = SeededGenerator(seed: 1)
        for i in net.layers[0].weights.storage.indices {   // spread the exponents far apart
            net.layers[0].weights.storage[i] = T(rng.uniform(-1, 1)) * T.pow(10, T(Int(rng.next() % 60) - 30))
        }
        net.layers[1].biases[0] = -T.leastNonzeroMagnitude
        net.layers[1].biases[1] = T.greatestFiniteMagnitude
        let file = ModelFile(network: net, metadata: [("seed", .number(8)), ("note", .string("a \"quoted\" note"))])
        let back = try ModelFile<T>(text: file.text)
        #expect(back.network.layers.map(\.weights) == net.layers.map(\.weights))
        #expect(back.network.layers.map(\.biases) == net.layers.map(\.biases))
        #expect(back.network.layers.map(\.activation) == [.relu, .sigmoid])
        #expect(back.network.loss == .binaryCrossEntropy && back.network.reduction == .mean)
        #expect(back.metadata.count == 2 && back.metadata[1].value == .string("a \"quoted\" note"))
        #expect(back.text == file.text)
    }

    @Test("the written format is the documented one, one row of weights per line")
    func format() {
        let text = ModelFile(network: stepByStepNetwork()).text
        #expect(text.contains("\"format\": \"backprop-model\""))
        #expect(text.contains("\"version\": 1"))
        #expect(text.contains("\"loss\": \"squared-error\""))
        #expect(text.contains("\"weights\": [\n        [0.15, 0.2],\n        [0.25, 0.3]\n      ]"))
        #expect(text.contains("\"biases\": [0.35, 0.35]"))
    }

    @Test("a hand-written minimal file reads, reduction defaulting to sum")
    func minimal() throws {
        let net = try ModelFile<Double>(text: """
            {"format": "backprop-model", "version": 1, "loss": "squared-error",
             "layers": [{"activation": "tanh", "weights": [[1, -2.5e-1]], "biases": [0]}]}
            """).network
        #expect(net.sizes == [2, 1] && net.reduction == .sum && net.layers[0].weights[0, 1] == -0.25)
    }

    static let invalid: [(String, String)] = [
        ("[1, 2]", "expected a JSON object"),
        (#"{"format": "other"}"#, "format: expected \"backprop-model\""),
        (#"{"format": "backprop-model", "version": 3}"#, "version 3 is not supported"),
        (#"{"format": "backprop-model", "version": 1, "loss": "hinge"}"#, "unknown loss \"hinge\""),
        (#"{"format": "backprop-model", "version": 1, "loss": "squared-error", "layers": []}"#, "layers: expected a non-empty array"),
        (#"{"format": "backprop-model", "version": 1, "loss": "squared-error", "layers": [{"activation": "softsign", "weights": [[1]], "biases": [0]}]}"#,
         "layers[0].activation: unknown activation \"softsign\""),
        (#"{"format": "backprop-model", "version": 1, "loss": "squared-error", "layers": [{"activation": "relu", "weights": [[1, 2], [3]], "biases": [0, 0]}]}"#,
         "layers[0].weights[1]: has 1 weights, row 0 has 2"),
        (#"{"format": "backprop-model", "version": 1, "loss": "squared-error", "layers": [{"activation": "relu", "weights": [[1, "x"]], "biases": [0]}]}"#,
         "layers[0].weights[0][1]: expected a number, found a string"),
        (#"{"format": "backprop-model", "version": 1, "loss": "squared-error", "layers": [{"activation": "relu", "weights": [[1]], "biases": [0, 1]}]}"#,
         "layers[0].biases: has 2 biases for 1 neurons"),
        (#"{"format": "backprop-model", "version": 1, "loss": "squared-error", "layers": [{"activation": "relu", "weights": [[1e999]], "biases": [0]}]}"#,
         "layers[0].weights[0][0]: 1e999 is out of range"),
        (#"{"format": "backprop-model", "version": 1, "loss": "squared-error", "layers": [{"activation": "relu", "weights": [[1, 2]], "biases": [0]}, {"activation": "relu", "weights": [[1, 2]], "biases": [0]}]}"#,
         "layers[1].weights: each row has 2 weights, but layers[0] has 1 neurons"),
    ]

    @Test("invalid models are rejected with the place and the reason", arguments: invalid)
    func rejects(_ text: String, _ message: String) {
        #expect {
            _ = try ModelFile<Float>(text: text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("a JSON syntax error names line and column")
    func syntax() {
        #expect(throws: ModelFileError.syntax(JSONSyntaxError(line: 2, column: 15, message: "expected ',' or '}'"))) {
            _ = try ModelFile<Float>(text: "{\"format\": \"backprop-model\",\n \"version\": 1 \"loss\": 1}")
        }
    }

    @Test("a missing file, a folder or an empty file is an error that says which, not a crash")
    func missingFile() {
        #expect(throws: ModelFileError.unreadable(path: "/nonexistent/model.json", reason: "no such file")) {
            _ = try ModelFile<Float>(contentsOf: "/nonexistent/model.json")
        }
        let folder = FileManager.default.temporaryDirectory.path
        #expect(throws: ModelFileError.unreadable(path: folder, reason: "it is a folder, not a file")) { _ = try ModelFile<Float>(contentsOf: folder) }
        #expect(throws: ModelFileError.unreadable(path: "/dev/null", reason: "it is empty")) { _ = try ModelFile<Float>(contentsOf: "/dev/null") }
        #expect(throws: ModelFileError.unreadable(path: "/dev/null", reason: "it is empty")) { _ = try Checkpoint<Float>(contentsOf: "/dev/null") }
    }

    @Test("writing is atomic: the file appears whole, no temporary file stays behind")
    func atomicWrite() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/model.json"
        let model = ModelFile(network: stepByStepNetwork())
        try model.write(to: path)
        try model.write(to: path)   // replacing an existing file
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["model.json"])
        #expect(try ModelFile<Double>(contentsOf: path).network.layers.map(\.weights) == model.network.layers.map(\.weights))
        #expect(throws: FileWriteError.self) { try model.write(to: folder + "/missing-folder/model.json") }
        // The replacement keeps the old file's permissions: a private model stays private (it became 644).
        chmod(path, 0o600)
        try model.write(to: path)
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o7777 == 0o600, "mode \(String(info.st_mode & 0o7777, radix: 8))")
        chmod(path, 0o444)
        if geteuid() != 0 {                                    // root may write any file, as with cp
            #expect(throws: FileWriteError(path: path, reason: "it is read-only")) { try model.write(to: path) }
            #expect(throws: FileWriteError(path: path, reason: "it is read-only")) { try checkWritable(path) }
        } else {
            try model.write(to: path)
            #expect(stat(path, &info) == 0 && info.st_mode & 0o7777 == 0o444)
        }
    }
}

@Suite("Model file version 2 and safetensors")
struct ModelFileV2Tests {
    func model() -> ModelFile<Float> {
        let net = Network<Float>(activations: [.leakyRelu, .tanh, .softmax], sizes: [3, 5, 4, 3],
                                 loss: .softmaxCrossEntropy, reduction: .mean, seed: 3)
        return ModelFile(network: net, classes: ["a", "b", "c"],
                         preprocessing: Preprocessing(kind: .standardize, offset: [0.5, -1, 2], scale: [1.5, 0.25, 3]),
                         training: [("optimizer", .string("adam")), ("seed", .number(3))])
    }

    @Test("classes, preprocessing and training settings round-trip; the version is 2")
    func roundTrip() throws {
        let file = model()
        #expect(file.writtenVersion == 2)
        #expect(file.text.contains("\"version\": 2"))
        let back = try ModelFile<Float>(text: file.text)
        #expect(back.classes == ["a", "b", "c"])
        #expect(back.preprocessing == file.preprocessing)
        #expect(back.training.map(\.key) == ["optimizer", "seed"])
        #expect(back.network.layers.map(\.weights) == file.network.layers.map(\.weights))
        #expect(back.text == file.text)
    }

    @Test("a model that needs nothing new is still written as version 1")
    func staysVersion1() {
        #expect(ModelFile(network: stepByStepNetwork()).writtenVersion == 1)
    }

    @Test("predict applies the preprocessing, then the network")
    func predict() {
        let file = model()
        let raw = Matrix<Float>([[2, 0, 5]])
        var x = raw
        file.preprocessing!.apply(to: &x)
        #expect(file.predict(raw) == file.network.predict(x))
        #expect(x.storage == [1, 4, 1])
    }

    @Test("safetensors: the layout PyTorch reads, and back to the same model")
    func safetensors() throws {
        let file = model()
        let bytes = file.safetensors()
        let n = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
        #expect((8 + n) % 8 == 0)
        let header = try JSON.parse(String(decoding: bytes[8..<(8 + n)], as: UTF8.self))
        #expect(header["layers.0.weight"]?["shape"] == .array([.number("5"), .number("3")]))
        #expect(header["layers.2.bias"]?["dtype"] == .string("F32"))
        #expect(bytes.count == 8 + n + 4 * file.network.parameterCount)
        let back = try ModelFile<Float>(safetensors: bytes)
        #expect(back.network.layers.map(\.weights) == file.network.layers.map(\.weights))
        #expect(back.network.layers.map(\.biases) == file.network.layers.map(\.biases))
        #expect(back.network.layers.map(\.activation) == [.leakyRelu, .tanh, .softmax])
        #expect(back.classes == file.classes && back.preprocessing == file.preprocessing)
        #expect(back.text == file.text)
    }

    @Test("broken safetensors files give a clear error", arguments: [
        ([UInt8](), "shorter than its 8-byte header length"),
        ([255, 255, 255, 255, 0, 0, 0, 0, 0x7B], "the header claims 4294967295 bytes"),
        ([2, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D], "no \"backprop\" entry"),
    ] as [([UInt8], String)])
    func broken(_ bytes: [UInt8], _ message: String) {
        #expect { _ = try ModelFile<Float>(safetensors: bytes) } throws: { "\($0)".contains(message) }
    }

    @Test("an architecture whose sizes would overflow is refused, not trapped on")
    func hugeArchitecture() throws {
        let meta = #"{\"format\": \"backprop-model\", \"version\": 2, \"loss\": \"squared-error\", \"layers\": [{\"activation\": \"relu\", \"inputs\": 4611686018427387904, \"outputs\": 4}]}"#
        let header = #"{"__metadata__": {"backprop": "\#(meta)"}, "layers.0.weight": {"dtype": "F32", "shape": [4, 4611686018427387904], "data_offsets": [0, 0]}}"#
        let n = header.utf8.count
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } + Array(header.utf8)
        #expect { _ = try ModelFile<Float>(safetensors: bytes) } throws: { "\($0)".contains("needs more bytes than the file's 0") }
    }

    @Test("the tensors must tile the data: overlapping tensors, a hole and trailing bytes are refused")
    func layout() throws {
        let bytes = model().safetensors()
        let n = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
        let data = Array(bytes[(8 + n)...])
        let header = try JSON.parse(String(decoding: bytes[8..<(8 + n)], as: UTF8.self))
        func file(_ extra: [(key: String, value: JSON)], _ data: [UInt8]) -> [UInt8] {
            let text = Array(JSON.object((header.members ?? []) + extra).serialized().utf8)
            return (0..<8).map { UInt8(truncatingIfNeeded: text.count >> (8 * $0)) } + text + data
        }
        func tensor(_ begin: Int, _ end: Int) -> JSON {
            .object([("dtype", .string("F32")), ("shape", .array([.number((end - begin) / 4)])), ("data_offsets", .array([.number(begin), .number(end)]))])
        }
        #expect(try ModelFile<Float>(safetensors: file([], data)).network.parameterCount == model().network.parameterCount)
        #expect(try ModelFile<Float>(safetensors: file([("extra", tensor(data.count, data.count + 4))], data + [0, 0, 0, 0])).network.layers.count == 3)
        let cases: [([(key: String, value: JSON)], [UInt8], String)] = [
            ([], data + [1, 2, 3, 4], "safetensors data: the 4 bytes after the last tensor (\(data.count)…\(data.count + 3)) belong to no tensor"),
            ([("extra", tensor(4, 8))], data, "tensor extra: data_offsets [4, 8] overlap tensor layers.0.weight's, which ends at 60"),
            ([("extra", tensor(data.count + 4, data.count + 8))], data + [0, 0, 0, 0, 0, 0, 0, 0], "safetensors data: bytes \(data.count)…\(data.count + 3) belong to no tensor"),
        ]
        for (extra, data, message) in cases {
            #expect { _ = try ModelFile<Float>(safetensors: file(extra, data)) } throws: { "\($0)".contains(message) }
        }
        // Offsets that are not two whole numbers are shown as written; a tensor left out of the
        // header (its bytes kept) is named as missing, not as bytes of no tensor.
        let quoted = JSON.object([("dtype", .string("F32")), ("shape", .array([.number(1)])), ("data_offsets", .array([.string("0"), .string("4")]))])
        #expect { _ = try ModelFile<Float>(safetensors: file([("extra", quoted)], data)) } throws: {
            "\($0)".contains("tensor extra: data_offsets [\"0\", \"4\"]: expected two whole numbers, [begin, end]")
        }
        let withoutBias = (header.members ?? []).filter { $0.key != "layers.1.bias" }
        let text = Array(JSON.object(withoutBias).serialized().utf8)
        let missing = (0..<8).map { UInt8(truncatingIfNeeded: text.count >> (8 * $0)) } + text + data
        #expect { _ = try ModelFile<Float>(safetensors: missing) } throws: { "\($0)".contains("tensor layers.1.bias: missing") }
    }

    @Test("a tensor whose offsets leave the file, or whose shape is wrong, is rejected")
    func badTensor() throws {
        var bytes = model().safetensors()
        let n = Int(bytes[0]) | Int(bytes[1]) << 8
        bytes.removeLast(8)     // the last bias loses two floats
        #expect { _ = try ModelFile<Float>(safetensors: bytes) } throws: { "\($0)".contains("tensor layers.2.bias: data_offsets") }
        var header = String(decoding: model().safetensors()[8..<(8 + n)], as: UTF8.self)
        header = header.replacingOccurrences(of: "\"shape\": [5, 3]", with: "\"shape\": [3, 5]")
        let fixed = Array(model().safetensors()[0..<8]) + Array(header.utf8) + Array(model().safetensors()[(8 + n)...])
        #expect { _ = try ModelFile<Float>(safetensors: fixed) } throws: { "\($0)".contains("tensor layers.0.weight: shape [3, 5], expected [5, 3]") }
    }
}
