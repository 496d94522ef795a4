import Foundation

/// A training run saved between epochs: the model file (so `evaluate` and `predict` read it as
/// is) plus, under `"checkpoint"`, the completed epochs and the optimizer's whole state.
///
/// ```json
/// { "format": "backprop-model", "version": 2, …the model…,
///   "checkpoint": {"epochs_done": 3, "optimizer": {"kind": "adam", "steps": 2814,
///                  "learning_rate": 0.001, …, "first_moments": [[…], …], "second_moments": [[…], …]}} }
/// ```
/// Numbers are exact (shortest round-trip form), so resuming gives bit-identical results.
public struct Checkpoint<T: Scalar>: Sendable {
    public var model: ModelFile<T>
    public var epochsDone: Int
    public var optimizer: Optimizer<T>
    /// Early stopping's state (runs with `patience`): the best epoch so far, its monitored loss,
    /// its parameters, and whether the run has stopped.
    public var earlyStopping: EarlyStopping?
    /// How the run writes checkpoints (every N epochs, to a path where `{epoch}` becomes the
    /// number), so that a resumed run goes on writing them.
    public var writing: (every: Int, path: String)?

    public struct EarlyStopping: Sendable {
        public var bestEpoch: Int
        public var bestLoss: Double
        public var parameters: [(weights: [T], biases: [T])]
        public var stopped: Bool
        public init(bestEpoch: Int, bestLoss: Double, parameters: [(weights: [T], biases: [T])], stopped: Bool) {
            (self.bestEpoch, self.bestLoss, self.parameters, self.stopped) = (bestEpoch, bestLoss, parameters, stopped)
        }
    }

    public init(model: ModelFile<T>, epochsDone: Int, optimizer: Optimizer<T>, earlyStopping: EarlyStopping? = nil) {
        self.model = model
        self.epochsDone = epochsDone
        self.optimizer = optimizer
        self.earlyStopping = earlyStopping
    }

    /// The checkpoint as JSON: the model's members, then `checkpoint`.
    public var json: JSON {
        let o = optimizer
        func tensors(_ t: [[T]]) -> JSON { .array(t.map { .array($0.map { JSON.number($0) }) }) }
        let state: JSON = .object([
            ("kind", .string(o.kind.rawValue)), ("steps", .number(o.steps)),
            ("learning_rate", .number(o.learningRate)), ("momentum", .number(o.momentum)),
            ("beta1", .number(o.beta1)), ("beta2", .number(o.beta2)), ("epsilon", .number(o.epsilon)),
            ("weight_decay", .number(o.weightDecay)), ("l1", .number(o.l1)),
            ("first_moments", tensors(o.firstMoments)), ("second_moments", tensors(o.secondMoments)),
        ])
        guard case .object(var members) = model.json() else { return model.json() }
        var checkpoint: [(key: String, value: JSON)] = [("epochs_done", .number(epochsDone)), ("optimizer", state)]
        if let e = earlyStopping {
            checkpoint.append(("early_stopping", .object([
                ("best_epoch", .number(e.bestEpoch)), ("best_loss", .number(e.bestLoss)), ("stopped", .bool(e.stopped)),
                ("parameters", tensors(e.parameters.flatMap { [$0.weights, $0.biases] })),
            ])))
        }
        if let w = writing { checkpoint.append(("writing", .object([("every", .number(w.every)), ("path", .string(w.path))]))) }
        members.append(("checkpoint", .object(checkpoint)))
        return .object(members)
    }

    /// Writes the checkpoint atomically.
    public func write(to path: String) throws(FileWriteError) {
        try writeFileAtomically(Array((json.serialized(pretty: true) + "\n").utf8), to: path)
    }

    /// Reads a checkpoint from disk (always JSON, whatever the file's name), reading it once.
    public init(contentsOf path: String) throws(ModelFileError) {
        guard !ModelFile<T>.isSafeTensors(path) else {
            throw .unreadable(path: path, reason: "checkpoints are JSON (--checkpoint-every writes one); a .safetensors file holds a model's weights only")
        }
        let bytes = try ModelFile<T>.bytes(of: path)
        guard let text = String(bytes: bytes, encoding: .utf8) else { throw .unreadable(path: path, reason: "it is not UTF-8 text") }
        try self.init(text: text)
    }

    /// Whether the file at `path` is meant as a checkpoint (JSON with a `checkpoint` section),
    /// whether or not it reads as a valid one: what must not be replaced by a model.
    public static func isCheckpoint(contentsOf path: String) -> Bool {
        guard let bytes = try? ModelFile<T>.bytes(of: path), let text = String(bytes: bytes, encoding: .utf8),
              let root = try? JSON.parse(text) else { return false }
        return root["checkpoint"] != nil
    }

    /// Reads a checkpoint from its JSON text.
    public init(text: String) throws(ModelFileError) {
        let root: JSON
        do { root = try JSON.parse(text) } catch { throw .syntax(error) }
        try self.init(model: try ModelFile<T>(json: root), json: root)
    }

    /// The plan of the run that wrote the checkpoint (its `training` section).
    public var plan: TrainingPlan {
        get throws(ModelFileError) { try TrainingPlan(json: .object(model.training)) }
    }

    init(model: ModelFile<T>, json root: JSON) throws(ModelFileError) {
        guard let c = root["checkpoint"] else {
            throw .invalid(place: "checkpoint", message: "missing: this is a model file, not a checkpoint (train with --checkpoint-every)")
        }
        guard let done = c["epochs_done"]?.number.flatMap({ Int($0) }), done >= 0 else {
            throw .invalid(place: "checkpoint.epochs_done", message: "expected a whole number of epochs")
        }
        if let recorded = root["training"]?["epochs_done"], recorded.number.flatMap({ Int($0) }) != done {
            throw .invalid(place: "training.epochs_done", message: "is \(recorded.number ?? recorded.kind), not checkpoint.epochs_done (\(done)): the file was edited by hand or mixed from two")
        }
        guard let o = c["optimizer"] else { throw .invalid(place: "checkpoint.optimizer", message: "missing") }
        let kind: Optimizer<T>.Kind = try ModelFile<T>.named(o, "kind", place: "checkpoint.optimizer.kind")
        /// A setting of the optimizer, in the range its update rule needs (a hand-edited β₂ of 5
        /// would otherwise end in "training diverged", blaming the learning rate; β₂ = 1 would
        /// stop Adam without a word).
        func number(_ key: String, _ range: String, _ inRange: (T) -> Bool) throws(ModelFileError) -> T {
            guard let text = o[key]?.number, let x = T(text), x.isFinite else {
                throw .invalid(place: "checkpoint.optimizer.\(key)", message: "expected a finite number")
            }
            guard inRange(x) else { throw .invalid(place: "checkpoint.optimizer.\(key)", message: "must be \(range) (got \(text))") }
            return x
        }
        let unit = "in [0, 1)", nonNegative = "≥ 0"
        var optimizer = Optimizer<T>(kind, learningRate: try number("learning_rate", "≥ 0") { $0 >= 0 },
                                     momentum: try number("momentum", unit) { $0 >= 0 && $0 < 1 },
                                     beta1: try number("beta1", unit) { $0 >= 0 && $0 < 1 },
                                     beta2: try number("beta2", unit) { $0 >= 0 && $0 < 1 },
                                     epsilon: try number("epsilon", "> 0") { $0 > 0 },
                                     weightDecay: try number("weight_decay", nonNegative) { $0 >= 0 },
                                     l1: o["l1"] == nil ? 0 : try number("l1", nonNegative) { $0 >= 0 })
        // Bounded so that the steps still to come cannot overflow the count (2⁵³: exact in a Double too).
        guard let steps = o["steps"]?.number.flatMap({ Int($0) }), steps >= 0, steps <= 1 << 53 else {
            throw .invalid(place: "checkpoint.optimizer.steps", message: "expected a whole number from 0 to 2^53")
        }
        // Every epoch takes at least one step, so a run that did `done` epochs took `done` steps or
        // more. (A hand-edited epochs_done of 10⁸ would also have a resume replay 10⁸ shuffles.)
        guard steps >= done else {
            throw .invalid(place: "checkpoint.epochs_done", message: "is \(done), but the optimizer took \(steps) step\(steps == 1 ? "" : "s") (checkpoint.optimizer.steps) and every epoch takes at least one: the file was edited by hand or mixed from two")
        }
        optimizer.steps = steps
        let sizes = model.network.layers.flatMap { [$0.weights.storage.count, $0.biases.count] }
        /// One tensor per parameter (W¹, b¹, W², …), each of its parameter's size.
        func tensors(_ value: JSON?, place: String, required: Bool) throws(ModelFileError) -> [[T]] {
            guard let items = value?.array else { throw .invalid(place: place, message: "missing") }
            if items.isEmpty && !required { return [] }
            guard items.count == sizes.count else {
                throw .invalid(place: place, message: "has \(items.count) tensors, the network has \(sizes.count)")
            }
            var out: [[T]] = []
            for (i, item) in items.enumerated() {
                let values = try ModelFile<T>.numbers(item, place: "\(place)[\(i)]")
                guard values.count == sizes[i] else {
                    throw .invalid(place: "\(place)[\(i)]", message: "has \(plural(values.count, "number")), the tensor has \(sizes[i])")
                }
                out.append(values)
            }
            return out
        }
        optimizer.firstMoments = try tensors(o["first_moments"], place: "checkpoint.optimizer.first_moments", required: kind != .sgd && steps > 0)
        optimizer.secondMoments = try tensors(o["second_moments"], place: "checkpoint.optimizer.second_moments", required: kind == .adam && steps > 0)
        for (i, tensor) in optimizer.secondMoments.enumerated() {        // a mean of squares: √v would be NaN
            if let k = tensor.firstIndex(where: { !($0 >= 0) }) {
                throw .invalid(place: "checkpoint.optimizer.second_moments[\(i)][\(k)]", message: "must be ≥ 0 (a mean of squared gradients), not \(tensor[k])")
            }
        }
        if let planned = model.training.first(where: { $0.key == "optimizer" })?.value.string, planned != kind.rawValue {
            throw .invalid(place: "training.optimizer", message: "is \(planned), but checkpoint.optimizer.kind is \(kind.rawValue): the file was edited by hand or mixed from two")
        }
        var early: EarlyStopping? = nil
        if let e = c["early_stopping"] {
            guard let epoch = e["best_epoch"]?.number.flatMap({ Int($0) }), epoch >= 0, epoch <= done else {
                throw .invalid(place: "checkpoint.early_stopping.best_epoch", message: "expected a whole number of epochs, at most epochs_done")
            }
            let loss = e["best_loss"]?.number.flatMap { Double($0) } ?? .infinity       // null: no best yet
            let tensors = try tensors(e["parameters"], place: "checkpoint.early_stopping.parameters", required: true)
            early = EarlyStopping(bestEpoch: epoch, bestLoss: loss, parameters: stride(from: 0, to: tensors.count, by: 2).map { (tensors[$0], tensors[$0 + 1]) },
                                  stopped: e["stopped"] == .bool(true))
        }
        self.init(model: model, epochsDone: done, optimizer: optimizer, earlyStopping: early)
        if let every = c["writing"]?["every"]?.number.flatMap({ Int($0) }), every >= 1, let path = c["writing"]?["path"]?.string, !path.isEmpty {
            writing = (every, path)
        }
    }
}
