import Backprop

/// Why a page's message was refused; its text is sent back to the page.
public struct PlaygroundError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Everything the page can set, each field one `backprop train` option (``commandLine(epochs:save:)``).
///
/// In a `configure` message these are JSON members of the same names; every member may be left
/// out (it keeps its value):
/// ```json
/// {"type": "configure", "data": "spiral", "noise": 0.1, "hidden": [8, 8], "activations": ["tanh", "tanh"],
///  "optimizer": "sgd", "learningRate": 0.3, "batch": 10, "features": ["x1", "x2"]}
/// ```
/// The defaults are chosen to learn: every data set reaches 90% test accuracy (the regression
/// sets: a test loss under 0.01) within seconds at the default speed (see the README).
public struct PlaygroundSettings: Sendable, Equatable {
    /// A generated set (`xor`, `circles`, `spiral`, `gaussians`; `plane`, `multi-gaussian` for
    /// regression) or `csv` (then `csv` holds the text).
    public var data = "spiral"
    /// An uploaded CSV: its name (for the command line) and text (2 feature columns, then the label).
    public var csvName = "points.csv", csv: String? = nil
    public var samples = 400
    public var noise = 0.1
    /// The seed of the data and the test split (`--data-seed`); `seed` is the weights' and the batches'.
    public var dataSeed: UInt64 = 1
    /// The network's inputs, computed from x1 and x2 (`--features`).
    public var features: [InputFeature] = [.x1, .x2]
    /// The fraction of the samples held out as the test set.
    public var testSplit = 0.5
    /// Neurons per hidden layer, and each hidden layer's activation.
    public var hidden = [8, 8]
    public var activations: [Activation] = [.tanh, .tanh]
    public var output: Activation = .softmax
    /// nil: the CLI's default for the output (softmax → softmax-cross-entropy, sigmoid → binary-cross-entropy).
    public var loss: Loss? = nil
    public var optimizer: Optimizer<Float>.Kind = .sgd
    public var learningRate = 0.3
    public var batch = 10
    /// L2 regularisation (sgd, momentum, nesterov) or decoupled weight decay (adam): `λ`.
    public var weightDecay = 0.0
    /// L1 regularisation: `λ₁`.
    public var l1 = 0.0
    /// Dropout `p` on the hidden layers.
    public var dropout = 0.0
    public var scale: Preprocessing.Kind? = .standardize
    public var seed: UInt64 = 1
    /// How the page draws (not part of the run): test points on the plot, hard class colours,
    /// edges by |dW| instead of by weight.
    public var showTest = true, discretize = false, edgesByGradient = false

    /// Settings that change a run as it goes (at the next epoch boundary) instead of starting over.
    public static let liveKeys: Set<String> = ["learningRate", "weightDecay", "l1", "batch", "dropout"]
    /// A live setting that differs from another's: its `backprop train` option and value, in
    /// words for the page, and its part of a ``TrainingRun/Change``. The one list of the live
    /// settings (``liveKeys``), in the order the command line gives them.
    public struct LiveChange {
        public var option: String, value: String, words: String
        let apply: (inout TrainingRun<Float>.Change) -> Void
    }

    /// The live settings in which these settings differ from `old`.
    public func liveChanges(since old: PlaygroundSettings) -> [LiveChange] {
        let s = Self.short
        var out: [LiveChange] = []
        if learningRate != old.learningRate { out.append(.init(option: "--lr", value: s(learningRate), words: "η = \(s(learningRate))") { [learningRate] in $0.learningRate = learningRate }) }
        if weightDecay != old.weightDecay { out.append(.init(option: "--weight-decay", value: s(weightDecay), words: "λ = \(s(weightDecay))") { [weightDecay] in $0.weightDecay = weightDecay }) }
        if l1 != old.l1 { out.append(.init(option: "--l1", value: s(l1), words: "λ₁ = \(s(l1))") { [l1] in $0.l1 = l1 }) }
        if batch != old.batch { out.append(.init(option: "--batch", value: String(batch), words: "batch \(batch)") { [batch] in $0.batch = batch }) }
        if dropout != old.dropout { out.append(.init(option: "--dropout", value: s(dropout), words: "dropout \(s(dropout))") { [dropout] in $0.dropout = dropout }) }
        return out
    }

    /// Settings of the picture only.
    public static let viewKeys: Set<String> = ["showTest", "discretize", "edgesByGradient"]

    /// Whether the data is a regression set (numbers, not classes).
    public var isRegression: Bool { ToySets.Shape(rawValue: data)?.isRegression ?? false }

    public init() {}

    /// The limits of the page's controls.
    public static let maxHiddenLayers = 6, maxNeurons = 16, maxSamples = 5000, maxCSVBytes = 1 << 20

    /// The plan these settings describe: what ``PlaygroundRun`` trains, and what
    /// ``commandLine(epochs:save:)`` spells as options. Its epochs are unbounded (the page decides
    /// when to stop).
    public var plan: TrainingPlan {
        var p = TrainingPlan(data: data == "csv" ? csvName : data)
        (p.samples, p.noise, p.testSplit, p.dataSeed) = (samples, noise, testSplit, dataSeed)
        p.features = features == [.x1, .x2] ? nil : features
        p.layers = sizes
        if !activations.isEmpty { p.activations = activations }
        (p.output, p.loss, p.reduction, p.dropout) = (output, loss, .mean, dropout)
        (p.optimizer, p.learningRate, p.weightDecay, p.l1, p.batch) = (optimizer, learningRate, weightDecay, l1, batch)
        p.scale = switch scale {
        case .minmax?: .minmax
        case nil: .none
        default: .standardize
        }
        (p.seed, p.epochs) = (seed, TrainingPlan.Limits.epochs)
        return p
    }

    /// The loss actually used: the plan's rule.
    public var effectiveLoss: Loss { plan.resolvedLoss(output: output, classification: !isRegression) }

    /// A plan's complaint, named by this page's setting.
    static func refusal(_ error: PlanError) -> PlaygroundError {
        let keys: [TrainingPlan.Setting: String] = [
            .data: "data", .samples: "samples", .noise: "noise", .testSplit: "testSplit", .layers: "hidden",
            .activation: "activations", .output: "output", .loss: "loss", .optimizer: "optimizer",
            .learningRate: "learningRate", .batch: "batch", .weightDecay: "weightDecay", .scale: "scale", .seed: "seed",
            .l1: "l1", .features: "features", .dataSeed: "dataSeed", .dropout: "dropout",
        ]
        return PlaygroundError("\(keys[error.setting] ?? error.setting.rawValue): \(error.reason)")
    }

    /// Layer sizes: one input per feature, the hidden layers, 2 outputs (one per class) or 1 (regression).
    public var sizes: [Int] { [features.count] + hidden + [isRegression ? 1 : 2] }

    /// Applies the members of a `configure` message; unknown members are refused by name.
    public mutating func apply(_ message: JSON) throws(PlaygroundError) {
        guard let members = message.members else { throw PlaygroundError("a configure message must be a JSON object") }
        var s = self
        for (key, value) in members {
            switch key {
            case "type": continue
            case "data":
                s.data = try Self.string(value, key)
                guard ToySets.Shape(rawValue: s.data) != nil || s.data == "csv" else {
                    throw PlaygroundError("data: '\(s.data)' is not one of \(ToySets.Shape.allCases.map(\.rawValue).joined(separator: ", ")), csv")
                }
                // A regression set needs a number output; a class set goes back to softmax.
                if !members.contains(where: { $0.key == "output" }) {
                    if s.isRegression && [.softmax, .sigmoid].contains(s.output) { (s.output, s.loss) = (.identity, nil) }
                    if !s.isRegression && self.isRegression && s.output == .identity { (s.output, s.loss) = (.softmax, nil) }
                }
            case "csv":
                let text = try Self.string(value, key)
                guard text.utf8.count <= Self.maxCSVBytes else { throw PlaygroundError("csv: the file is larger than 1 MB") }
                s.csv = text
            case "csvName": s.csvName = try Self.fileName(Self.string(value, key))
            case "samples": s.samples = try Self.integer(value, key, 10...Self.maxSamples)
            case "noise": s.noise = try Self.number(value, key, 0...1)
            case "testSplit": s.testSplit = try Self.number(value, key, 0.05...0.95)
            case "hidden":
                guard let items = value.array, items.count <= Self.maxHiddenLayers else {
                    throw PlaygroundError("hidden: expected a list of at most \(Self.maxHiddenLayers) layer sizes")
                }
                s.hidden = try items.map { item throws(PlaygroundError) in try Self.integer(item, "hidden", 1...Self.maxNeurons) }
            case "activations":
                guard let items = value.array else { throw PlaygroundError("activations: expected a list of activation names") }
                s.activations = try items.map { item throws(PlaygroundError) in
                    let a: Activation? = item.string.flatMap(Activation.init(rawValue:))
                    guard let a, a != .softmax else {
                        throw PlaygroundError("activations: \(Self.described(item)) is not a hidden activation; expected one of \(Activation.allCases.filter { $0 != .softmax }.map(\.rawValue).joined(separator: ", "))")
                    }
                    return a
                }
            case "output": s.output = try Self.named(value, key)
            case "loss": s.loss = value == .null || value.string == "auto" ? nil : try Self.named(value, key) as Loss
            case "optimizer": s.optimizer = try Self.named(value, key)
            case "learningRate": s.learningRate = try Self.number(value, key, 1e-6...10)
            case "batch": s.batch = try Self.integer(value, key, 1...Self.maxSamples)
            case "weightDecay": s.weightDecay = try Self.number(value, key, 0...1)
            case "scale": s.scale = value.string == "none" ? nil : try Self.named(value, key) as Preprocessing.Kind
            case "seed": s.seed = UInt64(try Self.integer(value, key, 0...Int(UInt32.max)))
            case "dataSeed": s.dataSeed = UInt64(try Self.integer(value, key, 0...Int(UInt32.max)))
            case "l1": s.l1 = try Self.number(value, key, 0...1)
            case "dropout": s.dropout = try Self.number(value, key, 0...0.9)
            case "features":
                guard let items = value.array, !items.isEmpty else { throw PlaygroundError("features: expected a list of one or more of \(InputFeature.allCases.map(\.rawValue).joined(separator: ", "))") }
                s.features = try items.map { item throws(PlaygroundError) in try Self.named(item, key) }
                if Set(s.features).count != s.features.count { throw PlaygroundError("features: a feature is listed twice") }
            case "showTest", "discretize", "edgesByGradient":
                guard case .bool(let on) = value else { throw PlaygroundError("\(key): expected true or false, got \(value.kind)") }
                if key == "showTest" { s.showTest = on } else if key == "discretize" { s.discretize = on } else { s.edgesByGradient = on }
            default: throw PlaygroundError("configure: unknown setting '\(key)'")
            }
        }
        // One activation per hidden layer: a shorter list repeats its last entry.
        if s.activations.count != s.hidden.count {
            let last = s.activations.last ?? .tanh
            s.activations = Array((s.activations + Array(repeating: last, count: s.hidden.count)).prefix(s.hidden.count))
        }
        if s.scale == .fixed { throw PlaygroundError("scale: expected standardize, minmax or none") }
        do {
            try s.plan.validate()
            _ = try s.plan.resolvedNetwork(features: s.features.count, outputs: s.isRegression ? 1 : 2, classification: !s.isRegression)
        } catch { throw Self.refusal(error) }
        if s.data == "csv" && s.csv == nil { throw PlaygroundError("data csv: upload a CSV file first") }
        self = s
    }

    /// The settings as JSON, in the members `apply` takes (without the CSV text).
    public var json: JSON {
        .object([
            ("data", .string(data)), ("csvName", .string(csvName)), ("samples", .number(samples)),
            ("noise", .number(noise)), ("testSplit", .number(testSplit)), ("dataSeed", .number(dataSeed)),
            ("features", .array(features.map { .string($0.rawValue) })),
            ("hidden", .array(hidden.map { .number($0) })),
            ("activations", .array(activations.map { .string($0.rawValue) })),
            ("output", .string(output.rawValue)), ("loss", .string(effectiveLoss.rawValue)),
            ("optimizer", .string(optimizer.rawValue)), ("learningRate", .number(learningRate)),
            ("batch", .number(batch)), ("weightDecay", .number(weightDecay)), ("l1", .number(l1)), ("dropout", .number(dropout)),
            ("scale", .string(scale?.rawValue ?? "none")), ("seed", .number(seed)),
            ("showTest", .bool(showTest)), ("discretize", .bool(discretize)), ("edgesByGradient", .bool(edgesByGradient)),
            ("problem", .string(isRegression ? "regression" : "classification")),
        ])
    }

    /// The `backprop train` command that trains the same network on the same data, batch for
    /// batch, for `epochs` epochs, and saves it (unless `save` is false: the first part of a chain).
    public func commandLine(epochs: Int, save: Bool = true) -> String {
        var parts = ["backprop", "train", "--data", data == "csv" ? Self.quoted(csvName) : data]
        if data != "csv" { parts += ["--samples", String(samples), "--noise", Self.short(noise)] }
        parts += ["--data-seed", String(dataSeed)]
        if features != [.x1, .x2] { parts += ["--features", features.map(\.rawValue).joined(separator: ",")] }
        parts += ["--test-split", Self.short(testSplit), "--layers", sizes.map(String.init).joined(separator: ",")]
        if !hidden.isEmpty { parts += ["--activation", activations.map(\.rawValue).joined(separator: ",")] }
        parts += ["--output", output.rawValue, "--loss", effectiveLoss.rawValue,
                  "--optimizer", optimizer.rawValue, "--lr", Self.short(learningRate), "--batch", String(batch)]
        if weightDecay > 0 { parts += ["--weight-decay", Self.short(weightDecay)] }
        if l1 > 0 { parts += ["--l1", Self.short(l1)] }
        if dropout > 0 { parts += ["--dropout", Self.short(dropout)] }
        parts += ["--scale", scale?.rawValue ?? "none", "--seed", String(seed), "--epochs", String(max(epochs, 1))]
        if save { parts += ["--save", "model.json"] }
        return parts.joined(separator: " ")
    }

    /// A Double in its shortest exact form ("0.03", not "0.030000000000000002").
    static func short(_ x: Double) -> String { TrainingPlan.short(x) }

    static func quoted(_ s: String) -> String {
        s.allSatisfy { $0.isLetter || $0.isNumber || "._-/".contains($0) } ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func fileName(_ s: String) throws(PlaygroundError) -> String {
        let name = String(s.split(separator: "/").last ?? "")
        guard !name.isEmpty, name.count <= 200 else { throw PlaygroundError("csvName: expected a file name") }
        return name
    }

    static func string(_ v: JSON, _ key: String) throws(PlaygroundError) -> String {
        guard let s = v.string else { throw PlaygroundError("\(key): expected a string, got \(v.kind)") }
        return s
    }

    static func number(_ v: JSON, _ key: String, _ range: ClosedRange<Double>) throws(PlaygroundError) -> Double {
        guard let text = v.number else { throw PlaygroundError("\(key): expected a number, got \(described(v))") }
        guard let x = Double(text), x.isFinite else { throw PlaygroundError("\(key): \(CSVOptions.excerpt(text)) is beyond the numbers a setting can take") }
        guard range.contains(x) else { throw PlaygroundError("\(key): \(text) is outside \(short(range.lowerBound))…\(short(range.upperBound))") }
        return x
    }

    static func integer(_ v: JSON, _ key: String, _ range: ClosedRange<Int>) throws(PlaygroundError) -> Int {
        guard let text = v.number, let x = Double(text), x == x.rounded(), abs(x) < 1e15 else {
            throw PlaygroundError("\(key): expected a whole number, got \(v.number ?? described(v))")
        }
        guard range.contains(Int(x)) else { throw PlaygroundError("\(key): \(Int(x)) is outside \(range.lowerBound)…\(range.upperBound)") }
        return Int(x)
    }

    /// A value for a message: a string quoted, else its kind.
    static func described(_ v: JSON) -> String { v.string.map { "'\(CSVOptions.excerpt($0))'" } ?? v.kind }

    static func named<E: RawRepresentable & CaseIterable>(_ v: JSON, _ key: String) throws(PlaygroundError) -> E where E.RawValue == String {
        guard let s = v.string else { throw PlaygroundError("\(key): expected a name, got \(v.kind)") }
        guard let e = E(rawValue: s) else {
            throw PlaygroundError("\(key): '\(s)' is not one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return e
    }
}
