import Foundation

/// A plan as JSON, in the model file's `training` section and in checkpoints:
///
/// ```json
/// {"activations": ["tanh"], "batch": 32, "data": "spiral", "epochs": 6, "layers": [2, 12, 2],
///  "learning_rate": 0.01, "optimizer": "adam", "schedule": "cosine", "seed": 1, …}
/// ```
/// Every member may be left out except `data`: a missing one keeps the plan's default, so files
/// written before a setting existed still read.
extension TrainingPlan {
    enum CodingKeys: String, CodingKey {
        case data, test, samples, noise, dataSeed = "data_seed", labelColumn = "label_column", header, task, delimiter, missing
        case testSplit = "test_split", validationSplit = "validation_split", features, scale
        case layers, activations, output, loss, reduction, initializer, dropout
        case optimizer, learningRate = "learning_rate", momentum, weightDecay = "weight_decay", l1
        case schedule, stepEvery = "step_every", stepFactor = "step_factor", minLR = "min_lr"
        case batch, epochs, seed, patience, threads
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var p = TrainingPlan(data: try c.decode(String.self, forKey: .data))
        func read<V: Decodable>(_ key: CodingKeys, _ value: inout V) throws {
            if let v = try c.decodeIfPresent(V.self, forKey: key) { value = v }
        }
        func read<V: Decodable>(_ key: CodingKeys, _ value: inout V?) throws {
            value = try c.decodeIfPresent(V.self, forKey: key)
        }
        try read(.test, &p.test); try read(.samples, &p.samples); try read(.noise, &p.noise); try read(.dataSeed, &p.dataSeed)
        try read(.labelColumn, &p.labelColumn); try read(.header, &p.header); try read(.task, &p.task)
        try read(.delimiter, &p.delimiter); try read(.missing, &p.missing)
        try read(.testSplit, &p.testSplit); try read(.validationSplit, &p.validationSplit); try read(.features, &p.features); try read(.scale, &p.scale)
        try read(.layers, &p.layers); try read(.activations, &p.activations); try read(.output, &p.output)
        try read(.loss, &p.loss); try read(.reduction, &p.reduction); try read(.initializer, &p.initializer); try read(.dropout, &p.dropout)
        try read(.optimizer, &p.optimizer); try read(.learningRate, &p.learningRate); try read(.momentum, &p.momentum)
        try read(.weightDecay, &p.weightDecay); try read(.l1, &p.l1); try read(.schedule, &p.schedule); try read(.stepEvery, &p.stepEvery)
        try read(.stepFactor, &p.stepFactor); try read(.minLR, &p.minLR)
        try read(.batch, &p.batch); try read(.epochs, &p.epochs); try read(.seed, &p.seed)
        try read(.patience, &p.patience); try read(.threads, &p.threads)
        self = p
    }

    /// The plan as a JSON object (members in alphabetical order; numbers exact).
    public var json: JSON {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(self), let value = try? JSON.parse(String(decoding: data, as: UTF8.self)) else {
            return .object([("data", .string(data))])      // not reached: every member encodes
        }
        return value
    }

    /// The plan in `json` (a model file's `training` section, or a checkpoint's).
    public init(json: JSON) throws(ModelFileError) {
        guard json["data"]?.string != nil else {
            throw .invalid(place: "training.data", message: "missing: this file does not say how it was trained")
        }
        do {
            self = try JSONDecoder().decode(TrainingPlan.self, from: Data(json.serialized().utf8))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context),
                let DecodingError.valueNotFound(_, context) {
            let place = (["training"] + context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue })
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
            throw .invalid(place: place, message: "expected \(Self.expected(context.codingPath.last?.stringValue))")
        } catch {
            throw .invalid(place: "training", message: "\(error)")
        }
    }

    static func expected(_ key: String?) -> String {
        switch key.flatMap(CodingKeys.init(stringValue:)) {
        case .activations?: "one of \(Activation.allCases.map(\.rawValue).joined(separator: ", "))"
        case .output?: "one of \(Activation.allCases.map(\.rawValue).joined(separator: ", "))"
        case .loss?: "one of \(Loss.allCases.map(\.rawValue).joined(separator: ", "))"
        case .optimizer?: "one of \(Optimizer<Float>.Kind.allCases.map(\.rawValue).joined(separator: ", "))"
        case .schedule?: "one of \(ScheduleKind.allCases.map(\.rawValue).joined(separator: ", "))"
        case .features?: "one of \(InputFeature.allCases.map(\.rawValue).joined(separator: ", "))"
        case .scale?: "one of \(Scale.allCases.map(\.rawValue).joined(separator: ", "))"
        default: "a value of the right kind"
        }
    }
}
