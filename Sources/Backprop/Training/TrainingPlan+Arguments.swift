extension TrainingPlan {
    /// The `backprop train` options that give this plan: `--data` and every setting that
    /// differs from the default, in the order of the table in ``TrainingPlan``.
    ///
    /// ```swift
    /// var plan = TrainingPlan(data: "spiral")
    /// plan.batch = 10
    /// plan.arguments      // ["--data", "spiral", "--batch", "10"]
    /// ```
    public var arguments: [String] {
        let d = TrainingPlan(data: data)
        var out = ["--data", data]
        func add(_ s: Setting, _ value: String?, _ defaultValue: String?) {
            if let value, value != defaultValue { out += ["--\(s.rawValue)", value] }
        }
        func list<V>(_ xs: [V]?, _ text: (V) -> String) -> String? { xs.map { $0.map(text).joined(separator: ",") } }
        add(.test, test, nil)
        add(.samples, String(samples), String(d.samples))
        add(.noise, Self.short(noise), Self.short(d.noise))
        add(.dataSeed, dataSeed.map(String.init), nil)
        add(.labelColumn, labelColumn, nil)
        add(.header, header.rawValue, d.header.rawValue)
        add(.task, task.rawValue, d.task.rawValue)
        add(.delimiter, delimiter?.rawValue, nil)
        add(.missing, missing.rawValue, d.missing.rawValue)
        add(.testSplit, testSplit.map(Self.short), nil)
        add(.validationSplit, Self.short(validationSplit), Self.short(d.validationSplit))
        add(.features, list(features, \.rawValue), nil)
        add(.scale, scale.rawValue, d.scale.rawValue)
        add(.layers, list(layers, String.init), nil)
        add(.activation, list(activations, \.rawValue), list(d.activations, \.rawValue))
        add(.output, output?.rawValue, nil)
        add(.loss, loss?.rawValue, nil)
        add(.reduction, reduction.rawValue, d.reduction.rawValue)
        add(.initializer, initializer?.rawValue, nil)
        add(.dropout, Self.short(dropout), Self.short(d.dropout))
        add(.optimizer, optimizer.rawValue, d.optimizer.rawValue)
        add(.learningRate, learningRate.map(Self.short), nil)
        add(.momentum, Self.short(momentum), Self.short(d.momentum))
        add(.weightDecay, Self.short(weightDecay), Self.short(d.weightDecay))
        add(.l1, Self.short(l1), Self.short(d.l1))
        add(.schedule, schedule.rawValue, d.schedule.rawValue)
        add(.stepEvery, String(stepEvery), String(d.stepEvery))
        add(.stepFactor, Self.short(stepFactor), Self.short(d.stepFactor))
        add(.minLR, Self.short(minLR), Self.short(d.minLR))
        add(.batch, String(batch), String(d.batch))
        add(.epochs, String(epochs), String(d.epochs))
        add(.seed, String(seed), String(d.seed))
        add(.patience, patience.map(String.init), nil)
        add(.threads, String(threads), String(d.threads))
        return out
    }

    /// A Double in its shortest exact form ("0.03", not "0.030000000000000002"; "2", not "2.0").
    public static func short(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : x.description
    }
}
