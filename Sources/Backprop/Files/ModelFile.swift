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

/// A model file: a network, what a prediction needs besides it (class names, input
/// preprocessing), how it was trained, and free-form metadata — in Backprop's JSON format.
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
///
/// Version 2 adds optional fields, and is written only when one of them (or an activation or
/// loss that version 1 did not have) is used; version 1 files are still read:
/// - `"classes": ["cat", "dog"]` — output `i` is class `classes[i]`;
/// - `"features": ["x1", "x2", "x1sq"]` — the raw inputs `x1, x2` become these features first
///   (see ``InputFeature``); the preprocessing and the network then see the features;
/// - `"preprocessing": {"kind": "standardize", "offset": […], "scale": […]}` — inputs are mapped
///   `x' = (x − offset) / scale` before the network (see ``Preprocessing``);
/// - `"training": {…}` — the settings and seed of the run that made the model.
public struct ModelFile<T: Scalar>: Sendable {
    public static var format: String { "backprop-model" }
    /// The newest version this Backprop writes and reads.
    public static var version: Int { 2 }

    public var network: Network<T>
    /// Class names of the outputs (classification).
    public var classes: [String]?
    /// The features computed from the raw inputs, before the preprocessing (nil: the raw inputs).
    public var features: [InputFeature]?
    /// The map applied to raw inputs (or to their features) before the network.
    public var preprocessing: Preprocessing?
    /// How the model was trained (settings, seed), kept in order.
    public var training: [(key: String, value: JSON)]
    /// Extra fields, kept in order.
    public var metadata: [(key: String, value: JSON)]

    public init(network: Network<T>, classes: [String]? = nil, features: [InputFeature]? = nil, preprocessing: Preprocessing? = nil,
                training: [(key: String, value: JSON)] = [], metadata: [(key: String, value: JSON)] = []) {
        self.network = network
        self.classes = classes
        self.features = features
        self.preprocessing = preprocessing
        self.training = training
        self.metadata = metadata
    }

    /// 1 when the model uses nothing version 2 added, else 2.
    public var writtenVersion: Int {
        let newActivations: Set<Activation> = [.leakyRelu, .softmax]
        let needs2 = classes != nil || features != nil || preprocessing != nil || !training.isEmpty || network.loss == .softmaxCrossEntropy
            || network.layers.contains { newActivations.contains($0.activation) }
        return needs2 ? 2 : 1
    }

    /// The model as JSON; without `parameters`, each layer gives its `inputs` and `outputs`
    /// instead of its numbers (the architecture that a `.safetensors` file carries).
    public func json(parameters: Bool = true) -> JSON {
        var members: [(key: String, value: JSON)] = [
            ("format", .string(Self.format)),
            ("version", .number(writtenVersion)),
            ("loss", .string(network.loss.rawValue)),
            ("reduction", .string(network.reduction.rawValue)),
            ("layers", .array(network.layers.map { layer in
                parameters ? .object([
                    ("activation", .string(layer.activation.rawValue)),
                    ("weights", .array(layer.weights.nested.map { row in .array(row.map { JSON.number($0) }) })),
                    ("biases", .array(layer.biases.map { JSON.number($0) })),
                ]) : .object([
                    ("activation", .string(layer.activation.rawValue)),
                    ("inputs", .number(layer.inputSize)),
                    ("outputs", .number(layer.outputSize)),
                ])
            })),
        ]
        if let classes { members.append(("classes", .array(classes.map { .string($0) }))) }
        if let features { members.append(("features", .array(features.map { .string($0.rawValue) }))) }
        if let p = preprocessing {
            members.append(("preprocessing", .object([
                ("kind", .string(p.kind.rawValue)),
                ("offset", .array(p.offset.map { JSON.number($0) })),
                ("scale", .array(p.scale.map { JSON.number($0) })),
            ])))
        }
        if !training.isEmpty { members.append(("training", .object(training))) }
        if !metadata.isEmpty { members.append(("metadata", .object(metadata))) }
        return .object(members)
    }

    /// The file's text: pretty JSON, one row of weights per line.
    public var text: String { json().serialized(pretty: true) + "\n" }

    /// Whether `path` names a safetensors file (`.safetensors`, in any case); every other name is JSON.
    public static func isSafeTensors(_ path: String) -> Bool { path.lowercased().hasSuffix(".safetensors") }

    /// Writes the file atomically (see `writeFileAtomically`): JSON, or safetensors when `path`
    /// ends in `.safetensors`.
    public func write(to path: String) throws(FileWriteError) {
        for (l, layer) in network.layers.enumerated()
        where !(layer.weights.storage.allSatisfy(\.isFinite) && layer.biases.allSatisfy(\.isFinite)) {
            throw FileWriteError(path: path, reason: "layer \(l + 1) has a non-finite parameter")
        }
        if Self.isSafeTensors(path) {
            try writeFileAtomically(safetensors(), to: path)
        } else {
            try writeFileAtomically(Array(text.utf8), to: path)
        }
    }

    /// The number of raw inputs a prediction takes: 2 with ``features``, else the network's.
    public var inputSize: Int { features == nil ? network.inputSize : InputFeature.rawInputs }

    /// Raw inputs → what the network takes: the features, then the preprocessing.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func prepared(_ raw: Matrix<T>) -> Matrix<T> {
        var x = features.map { InputFeature.map($0, raw) } ?? raw
        preprocessing?.apply(to: &x)
        return x
    }

    /// Raw inputs → outputs: the features, the preprocessing, then the network.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func predict(_ raw: Matrix<T>) -> Matrix<T> {
        network.predict(prepared(raw))
    }

    /// The class name of each row of `outputs` (what ``predict(_:)`` gave): the largest output's
    /// class, or for one sigmoid output the second class when `a > 0.5`; nil for a model without
    /// class names (regression).
    ///
    /// ```swift
    /// let model = try ModelFile<Float>(contentsOf: "iris.json")
    /// let names = model.classNames(of: model.predict(Matrix([[5.1, 3.5, 1.4, 0.2]])))   // ["setosa"]
    /// ```
    public func classNames(of outputs: Matrix<T>) -> [String]? {
        guard let classes else { return nil }
        return (0..<outputs.rows).map { r in
            let c = Evaluation.classOf(outputs, r)
            return c < classes.count ? classes[c] : String(c)
        }
    }

    /// Reads a model file from disk: JSON, or safetensors when the path ends in `.safetensors`.
    public init(contentsOf path: String) throws(ModelFileError) {
        let bytes = try Self.bytes(of: path)
        if Self.isSafeTensors(path) {
            try self.init(safetensors: bytes)
            return
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "it is not UTF-8 text")
        }
        try self.init(text: text)
    }

    /// A model's or a checkpoint's bytes, through the one reader of files (``DataSource``): a
    /// missing file, a folder, an empty file and the system's reason for a failed read are each
    /// said (`cannot read m.json: it is a folder, not a file`); a device or a FIFO reads too.
    static func bytes(of path: String) throws(ModelFileError) -> [UInt8] {
        do { return try DataSource.read(path) } catch {
            var reason = String(error.message.dropFirst(error.message.hasPrefix(path) ? path.count : 0))
            reason = reason.hasPrefix(": ") ? String(reason.dropFirst(2)) : "it" + reason     // "…: no such file", "… is empty"
            throw .unreadable(path: path, reason: reason)
        }
    }

    /// Reads a model from its JSON text.
    public init(text: String) throws(ModelFileError) {
        let root: JSON
        do { root = try JSON.parse(text) } catch { throw .syntax(error) }
        try self.init(json: root)
    }

    /// Reads a model from a parsed JSON value, checking every field.
    public init(json root: JSON) throws(ModelFileError) {
        try self.init(json: root) { (l, value, place) throws(ModelFileError) in
            guard let rows = value["weights"]?.array, !rows.isEmpty else {
                throw .invalid(place: place + ".weights", message: "expected a non-empty array of rows (one per neuron)")
            }
            var weights: [[T]] = []
            for (j, row) in rows.enumerated() { weights.append(try ModelFile.numbers(row, place: "\(place).weights[\(j)]")) }
            let inputs = weights[0].count
            guard inputs > 0 else { throw .invalid(place: place + ".weights[0]", message: "a row has no weights") }
            if let j = weights.firstIndex(where: { $0.count != inputs }) {
                throw .invalid(place: "\(place).weights[\(j)]", message: "has \(weights[j].count) weights, row 0 has \(inputs)")
            }
            guard let biasValue = value["biases"] else { throw .invalid(place: place + ".biases", message: "missing") }
            let biases = try ModelFile.numbers(biasValue, place: place + ".biases")
            guard biases.count == weights.count else {
                throw .invalid(place: place + ".biases", message: "has \(biases.count) biases for \(weights.count) neurons")
            }
            return (Matrix(weights), biases)
        }
    }

    /// Reads everything but the parameters from `root`; `parameters(l, layerJSON, place)` gives
    /// layer `l`'s weights (out, in) and biases.
    init(json root: JSON,
         parameters: (Int, JSON, String) throws(ModelFileError) -> (weights: Matrix<T>, biases: [T])) throws(ModelFileError) {
        guard root.members != nil else { throw .invalid(place: "", message: "expected a JSON object, found \(root.kind)") }
        guard root["format"]?.string == Self.format else {
            throw .invalid(place: "format", message: "expected \"\(Self.format)\" (is this a Backprop model file?)")
        }
        guard let version = root["version"]?.number else { throw .invalid(place: "version", message: "missing; expected 1 or 2") }
        guard version == "1" || version == "2" else {
            throw .invalid(place: "version", message: "version \(version) is not supported; this Backprop reads versions 1 and 2")
        }
        let loss: Loss = try Self.named(root, "loss", place: "loss")
        let reduction: Reduction = root["reduction"] == nil ? .sum : try Self.named(root, "reduction", place: "reduction")
        guard let layerValues = root["layers"]?.array, !layerValues.isEmpty else {
            throw .invalid(place: "layers", message: "expected a non-empty array of layers")
        }
        var layers: [Dense<T>] = []
        for (l, value) in layerValues.enumerated() {
            let place = "layers[\(l)]"
            let activation: Activation = try Self.named(value, "activation", place: place + ".activation")
            let (weights, biases) = try parameters(l, value, place)
            if let previous = layers.last, previous.outputSize != weights.cols {
                throw .invalid(place: place + ".weights", message: "each row has \(weights.cols) weights, but layers[\(l - 1)] has \(previous.outputSize) neurons")
            }
            layers.append(Dense(weights: weights, biases: biases, activation: activation))
        }
        let last = layers[layers.count - 1]
        if let problem = loss.problem(outputActivation: last.activation, outputs: last.outputSize) {
            throw .invalid(place: "loss", message: problem)
        }
        self.network = Network(layers: layers, loss: loss, reduction: reduction)
        self.classes = nil
        if let value = root["classes"] {
            guard let names = value.array?.compactMap(\.string), names.count == value.array?.count else {
                throw .invalid(place: "classes", message: "expected an array of class names (strings)")
            }
            guard names.count == last.outputSize || (names.count == 2 && last.outputSize == 1) else {
                throw .invalid(place: "classes", message: "\(names.count) class names for \(plural(last.outputSize, "output"))")
            }
            if let twice = names.indices.first(where: { names[..<$0].contains(names[$0]) }) {
                throw .invalid(place: "classes[\(twice)]", message: "'\(names[twice])' names two classes; each class needs its own name")
            }
            self.classes = names
        }
        self.features = nil
        if let value = root["features"] {
            guard let names = value.array?.compactMap(\.string), names.count == value.array?.count, !names.isEmpty else {
                throw .invalid(place: "features", message: "expected a non-empty array of feature names (\(InputFeature.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            var features: [InputFeature] = []
            for (i, name) in names.enumerated() {
                guard let f = InputFeature(rawValue: name) else {
                    throw .invalid(place: "features[\(i)]", message: "unknown feature \"\(name)\"; expected one of \(InputFeature.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                features.append(f)
            }
            guard features.count == layers[0].inputSize else {
                throw .invalid(place: "features", message: "\(plural(features.count, "feature")) for a network of \(plural(layers[0].inputSize, "input"))")
            }
            self.features = features
        }
        self.preprocessing = nil
        if let value = root["preprocessing"] {
            let kind: Preprocessing.Kind = try Self.named(value, "kind", place: "preprocessing.kind")
            let offset = try ModelFile<Double>.numbers(value["offset"] ?? .null, place: "preprocessing.offset")
            let scale = try ModelFile<Double>.numbers(value["scale"] ?? .null, place: "preprocessing.scale")
            guard offset.count == layers[0].inputSize && scale.count == layers[0].inputSize else {
                throw .invalid(place: "preprocessing", message: "offset and scale need \(layers[0].inputSize) numbers each (one per input), found \(offset.count) and \(scale.count)")
            }
            if let bad = scale.firstIndex(of: 0) { throw .invalid(place: "preprocessing.scale[\(bad)]", message: "is 0 (would divide by zero)") }
            // (x − offset) / scale must stay finite in T for every finite input.
            if let bad = offset.firstIndex(where: { !T($0).isFinite }) {
                throw .invalid(place: "preprocessing.offset[\(bad)]", message: "\(offset[bad]) is out of range for \(T.self)")
            }
            if let bad = scale.firstIndex(where: { !T($0).isFinite || !T(1 / $0).isFinite || T($0) == 0 }) {
                throw .invalid(place: "preprocessing.scale[\(bad)]", message: "\(scale[bad]) would make inputs non-finite in \(T.self)")
            }
            self.preprocessing = Preprocessing(kind: kind, offset: offset, scale: scale)
        }
        self.training = root["training"]?.members ?? []
        self.metadata = root["metadata"]?.members ?? []
    }

    /// A string field naming a case of `E` (an activation, loss, …).
    static func named<E: RawRepresentable & CaseIterable>(_ object: JSON, _ key: String, place: String) throws(ModelFileError) -> E
    where E.RawValue == String {
        guard let value = object[key] else { throw .invalid(place: place, message: "missing") }
        guard let s = value.string else { throw .invalid(place: place, message: "expected a string, found \(value.kind)") }
        guard let e = E(rawValue: s) else {
            throw .invalid(place: place, message: "unknown \(key) \"\(s)\"; expected one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return e
    }

    static func numbers(_ value: JSON, place: String) throws(ModelFileError) -> [T] {
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
