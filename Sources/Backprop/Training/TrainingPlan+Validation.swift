import Foundation

extension TrainingPlan {
    /// A setting of a plan, named by its `backprop train` option (the raw value, without `--`).
    public enum Setting: String, CaseIterable, Sendable {
        case data, test, samples, noise, dataSeed = "data-seed", labelColumn = "label-column", header, task, delimiter, missing
        case testSplit = "test-split", validationSplit = "validation-split", features, scale
        case layers, activation, output, loss, reduction, initializer = "init", dropout
        case optimizer, learningRate = "lr", momentum, weightDecay = "weight-decay", l1
        case schedule, stepEvery = "step-every", stepFactor = "step-factor", minLR = "min-lr"
        case batch, epochs, seed, patience, threads
    }

    /// Checks every setting that can be checked without the data; the one place where a plan's
    /// settings are checked (``resolvedNetwork(features:outputs:classification:)`` adds the
    /// checks that need the data's shape). Throws the first problem found.
    public func validate() throws(PlanError) {
        guard !data.isEmpty else { throw PlanError(.data, "is empty: name a data set, a CSV file or a folder") }
        if test?.isEmpty == true { throw PlanError(.test, "is empty: name a CSV file or a folder") }
        if let test, Self.sameFile(test, data) {
            throw PlanError(.test, "\(test) is the training data itself (--data): its figures would be training figures; name held-out samples, or give --test-split")
        }
        if let n = csvOptions.labelColumn, n < 1 {
            throw PlanError(.labelColumn, "counts columns from 1 (got \(n)); or give the column's header name")
        }
        try check(.samples, samples, 2...Limits.samples)
        try check(.noise, noise, 0...1, "between 0 and 1")
        if let testSplit {
            guard testSplit > 0 && testSplit < 1 else { throw PlanError(.testSplit, "must be between 0 and 1 (got \(testSplit))") }
            guard test == nil else { throw PlanError(.testSplit, "and --test both name a test set; give one of them") }
        }
        guard validationSplit >= 0 && validationSplit < 1 else {
            throw PlanError(.validationSplit, "must be in [0, 1) (got \(validationSplit))")
        }
        try validateNetwork()
        if let learningRate, !(learningRate.isFinite && learningRate > 0) {
            throw PlanError(.learningRate, "must be a positive number (got \(learningRate))")
        }
        guard momentum >= 0 && momentum < 1 else { throw PlanError(.momentum, "must be in [0, 1) (got \(momentum))") }
        guard weightDecay >= 0 && weightDecay.isFinite else { throw PlanError(.weightDecay, "must be 0 or more (got \(weightDecay))") }
        guard dropout >= 0 && dropout < 1 else { throw PlanError(.dropout, "must be in [0, 1): the share of hidden neurons dropped in a training step (got \(dropout))") }
        guard l1 >= 0 && l1.isFinite else { throw PlanError(.l1, "must be 0 or more (got \(l1))") }
        if let features {
            guard !features.isEmpty else { throw PlanError(.features, "is empty: give one or more of \(InputFeature.allCases.map(\.rawValue).joined(separator: ","))") }
            if let twice = features.first(where: { f in features.filter { $0 == f }.count > 1 }) {
                throw PlanError(.features, "names \(twice.rawValue) twice")
            }
        }
        try check(.stepEvery, stepEvery, 1...Limits.epochs)
        guard stepFactor > 0 && stepFactor.isFinite else {
            throw PlanError(.stepFactor, "must be a positive number, e.g. 0.1 (got \(stepFactor))")
        }
        guard minLR >= 0 && minLR.isFinite else { throw PlanError(.minLR, "must be 0 or more (got \(minLR))") }
        if schedule == .cosine && minLR > effectiveLearningRate {
            throw PlanError(.minLR, "\(minLR) is above the learning rate \(effectiveLearningRate): cosine goes down to it")
        }
        try check(.batch, batch, 1...Limits.batch)
        try check(.epochs, epochs, 1...Limits.epochs)
        if let patience { try check(.patience, patience, 1...Limits.epochs) }
        try check(.threads, threads, 1...Limits.threads)
    }

    /// The network settings: layer sizes and activations (one, or one per hidden layer; no
    /// softmax inside). Whether the loss fits the output is checked with the data's shape, by
    /// ``resolvedNetwork(features:outputs:classification:)``.
    func validateNetwork() throws(PlanError) {
        if let layers {
            let text = layers.map(String.init).joined(separator: ",")
            guard layers.count >= 2, layers.count <= Limits.layers, layers.allSatisfy({ $0 >= 1 }) else {
                throw PlanError(.layers, "\(text): expected 2 or more positive whole numbers separated by commas, e.g. 784,128,10")
            }
            let parameters = Self.parameters(sizes: layers)
            guard parameters <= Double(Limits.parameters) else {
                throw PlanError(.layers, "\(text) has \(String(format: "%.0f", parameters)) parameters; Backprop trains networks of up to 1,000,000,000")
            }
        }
        guard !activations.isEmpty else { throw PlanError(.activation, "is empty: give one activation, or one per hidden layer") }
        if activations.contains(.softmax) {
            throw PlanError(.activation, "softmax belongs to the output layer only (--output softmax)")
        }
        let hidden = (layers?.count ?? 3) - 2
        if activations.count != 1 && activations.count != hidden {
            var error = Self.activationCount(activations.count, hidden)
            if layers == nil { error.reason += "; without --layers the network is inputs,32,outputs" }
            throw error
        }
    }

    private func check(_ setting: Setting, _ value: Int, _ range: ClosedRange<Int>) throws(PlanError) {
        guard !range.contains(value) else { return }
        if range.upperBound <= 10_000 { throw PlanError(setting, "must be between \(range.lowerBound) and \(range.upperBound) (got \(value))") }
        throw PlanError(setting, value < range.lowerBound ? "must be ≥ \(range.lowerBound) (got \(value))"
                                                          : "must be at most \(range.upperBound) (got \(value))")
    }

    private func check(_ setting: Setting, _ value: Double, _ range: ClosedRange<Double>, _ words: String) throws(PlanError) {
        guard range.contains(value) else { throw PlanError(setting, "must be \(words) (got \(value))") }
    }

    /// Whether two paths name one file, not a folder (``samePlace(_:_:)``: through links, `./`
    /// and the like). A folder of IDX files as its own `--test` reads its t10k files.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: a, isDirectory: &isFolder) && !isFolder.boolValue && samePlace(a, b)
    }

    /// Settings that differ from their default but have no effect in this plan (`--min-lr`
    /// without a cosine schedule, `--samples` with a CSV file, …): a front end says so, as a
    /// warning, rather than ignore what the user asked for.
    public var ineffective: [String] {
        let d = TrainingPlan(data: data)
        let generated = ToySets.Shape(rawValue: data) != nil, file = !generated && data != "fashion-mnist"
        var out: [String] = []
        func note(_ changed: Bool, _ setting: Setting, _ why: String) { if changed { out.append("--\(setting.rawValue) has no effect \(why)") } }
        note(minLR != d.minLR && schedule != .cosine, .minLR, "without --schedule cosine")
        note((stepEvery != d.stepEvery || stepFactor != d.stepFactor) && schedule != .step, stepEvery != d.stepEvery ? .stepEvery : .stepFactor, "without --schedule step")
        note(momentum != d.momentum && !(optimizer == .momentum || optimizer == .nesterov), .momentum, "with --optimizer \(optimizer.rawValue)")
        note(!generated && samples != d.samples, .samples, "on \(data): it sizes a generated set")
        note(!generated && noise != d.noise, .noise, "on \(data): it blurs a generated set")
        for (changed, setting) in [(labelColumn != nil, Setting.labelColumn), (header != d.header, .header), (task != d.task, .task),
                                   (delimiter != nil, .delimiter), (missing != d.missing, .missing)] {
            note(changed && !file, setting, "on \(data): it is for CSV files")
        }
        note(dataSeed != nil && !generated && testSplit == nil && validationSplit == 0, .dataSeed, "on \(data): it draws a generated set and the test and validation splits")
        note(dropout > 0 && layers?.count == 2, .dropout, "without hidden layers (it drops hidden neurons only)")
        note(scale != d.scale && data == "fashion-mnist", .scale, "on fashion-mnist: images are always scaled by 1/255")
        return out
    }
}
