import Foundation

/// Why a model file could not be read.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or is not UTF-8 text.
    case unreadable(path: String, reason: String)
    /// The text is not JSON.
    case syntax(JSONSyntaxError)
    /// The JSON is not a Backprop model: `place` says where (e.g. `layers[2].weights[0][1]`).
    case invalid(place: String, message: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read \(path): \(reason)"
        case let .syntax(e): return "not valid JSON at \(e)"
        case let .invalid(place, message): return place.isEmpty ? message : "\(place): \(message)"
        }
    }
}

/// A model file: a network and free-form metadata, in Backprop's JSON model format.
///
/// ```json
/// {
///   "format": "backprop-model",
///   "version": 1,
///   "loss": "squared-error",
///   "reduction": "sum",
///   "layers": [
///     {"activation": "sigmoid", "weights": [[0.15, 0.2], [0.25, 0.3]], "biases": [0.35, 0.35]},
///     {"activation": "sigmoid", "weights": [[0.4, 0.45], [0.5, 0.55]], "biases": [0.6, 0.6]}
///   ],
///   "metadata": {"seed": 42}
/// }
/// ```
/// `weights` is (out, in): `weights[j][k]` is the weight into neuron `j` from input `k`.
/// Numbers are written in the shortest form that reads back to the same `T`, and read straight
/// into `T`, so a round trip is exact. `reduction` may be left out (default `sum`).
public struct ModelFile<T: Scalar>: Sendable {
    public static var format: String { "backprop-model" }
    public static var version: Int { 1 }

    public var network: Network<T>
    /// Extra fields (seed, training settings, …), kept in order.
    public var metadata: [(key: String, value: JSON)]

    public init(network: Network<T>, metadata: [(key: String, value: JSON)] = []) {
        self.network = network
        self.metadata = metadata
    }

    /// The model as a JSON value.
    public var json: JSON {
        var members: [(key: String, value: JSON)] = [
            ("format", .string(Self.format)),
            ("version", .number(Self.version)),
            ("loss", .string(network.loss.rawValue)),
            ("reduction", .string(network.reduction.rawValue)),
            ("layers", .array(network.layers.map { layer in
                .object([
                    ("activation", .string(layer.activation.rawValue)),
                    ("weights", .array(layer.weights.nested.map { row in .array(row.map { JSON.number($0) }) })),
                    ("biases", .array(layer.biases.map { JSON.number($0) })),
                ])
            })),
        ]
        if !metadata.isEmpty { members.append(("metadata", .object(metadata))) }
        return .object(members)
    }

    /// The file's text: pretty JSON, one row of weights per line.
    public var text: String { json.serialized(pretty: true) + "\n" }

    /// Writes the file atomically (see `writeFileAtomically`).
    public func write(to path: String) throws(FileWriteError) {
        for (l, layer) in network.layers.enumerated()
        where !(layer.weights.storage.allSatisfy(\.isFinite) && layer.biases.allSatisfy(\.isFinite)) {
            throw FileWriteError(path: path, reason: "layer \(l + 1) has a non-finite parameter")
        }
        try writeFileAtomically(text, to: path)
    }

    /// Reads a model file from disk.
    public init(contentsOf path: String) throws(ModelFileError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be opened" : "no such file"
            throw .unreadable(path: path, reason: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "it is not UTF-8 text")
        }
        try self.init(text: text)
    }

    /// Reads a model from its JSON text.
    public init(text: String) throws(ModelFileError) {
        let root: JSON
        do { root = try JSON.parse(text) } catch { throw .syntax(error) }
        try self.init(json: root)
    }

    /// Reads a model from a parsed JSON value, checking every field.
    public init(json root: JSON) throws(ModelFileError) {
        guard root.members != nil else { throw .invalid(place: "", message: "expected a JSON object, found \(root.kind)") }
        guard root["format"]?.string == Self.format else {
            throw .invalid(place: "format", message: "expected \"\(Self.format)\" (is this a Backprop model file?)")
        }
        guard let version = root["version"]?.number else { throw .invalid(place: "version", message: "missing; expected 1") }
        guard version == String(Self.version) else {
            throw .invalid(place: "version", message: "version \(version) is not supported; this Backprop reads version 1")
        }
        let lossName = try Self.string(root, "loss", place: "loss")
        guard let loss = Loss(rawValue: lossName) else {
            throw .invalid(place: "loss", message: "unknown loss \"\(lossName)\"; expected one of \(Loss.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var reduction = Reduction.sum
        if root["reduction"] != nil {
            let name = try Self.string(root, "reduction", place: "reduction")
            guard let r = Reduction(rawValue: name) else {
                throw .invalid(place: "reduction", message: "unknown reduction \"\(name)\"; expected sum or mean")
            }
            reduction = r
        }
        guard let layerValues = root["layers"]?.array, !layerValues.isEmpty else {
            throw .invalid(place: "layers", message: "expected a non-empty array of layers")
        }
        var layers: [Dense<T>] = []
        for (l, value) in layerValues.enumerated() {
            let place = "layers[\(l)]"
            let name = try Self.string(value, "activation", place: place + ".activation")
            guard let activation = Activation(rawValue: name) else {
                throw .invalid(place: place + ".activation", message: "unknown activation \"\(name)\"; expected one of \(Activation.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let rows = value["weights"]?.array, !rows.isEmpty else {
                throw .invalid(place: place + ".weights", message: "expected a non-empty array of rows (one per neuron)")
            }
            var weights: [[T]] = []
            for (j, row) in rows.enumerated() {
                weights.append(try Self.numbers(row, place: "\(place).weights[\(j)]"))
            }
            let inputs = weights[0].count
            guard inputs > 0 else { throw .invalid(place: place + ".weights[0]", message: "a row has no weights") }
            if let j = weights.firstIndex(where: { $0.count != inputs }) {
                throw .invalid(place: "\(place).weights[\(j)]", message: "has \(weights[j].count) weights, row 0 has \(inputs)")
            }
            guard let biasValue = value["biases"] else { throw .invalid(place: place + ".biases", message: "missing") }
            let biases = try Self.numbers(biasValue, place: place + ".biases")
            guard biases.count == weights.count else {
                throw .invalid(place: place + ".biases", message: "has \(biases.count) biases for \(weights.count) neurons")
            }
            if let previous = layers.last, previous.outputSize != inputs {
                throw .invalid(place: place + ".weights", message: "each row has \(inputs) weights, but layers[\(l - 1)] has \(previous.outputSize) neurons")
            }
            layers.append(Dense(weights: Matrix(weights), biases: biases, activation: activation))
        }
        if let problem = loss.problem(outputActivation: layers[layers.count - 1].activation, outputs: layers[layers.count - 1].outputSize) {
            throw .invalid(place: "loss", message: problem)
        }
        self.network = Network(layers: layers, loss: loss, reduction: reduction)
        self.metadata = root["metadata"]?.members ?? []
    }

    private static func string(_ object: JSON, _ key: String, place: String) throws(ModelFileError) -> String {
        guard let value = object[key] else { throw .invalid(place: place, message: "missing") }
        guard let s = value.string else { throw .invalid(place: place, message: "expected a string, found \(value.kind)") }
        return s
    }

    private static func numbers(_ value: JSON, place: String) throws(ModelFileError) -> [T] {
        guard let items = value.array else { throw .invalid(place: place, message: "expected an array of numbers, found \(value.kind)") }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard let text = item.number else {
                throw .invalid(place: "\(place)[\(i)]", message: "expected a number, found \(item.kind)")
            }
            guard let x = T(text), x.isFinite else {
                throw .invalid(place: "\(place)[\(i)]", message: "\(text) is out of range for \(T.self)")
            }
            out.append(x)
        }
        return out
    }
}
