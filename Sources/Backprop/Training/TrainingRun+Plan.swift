extension TrainingRun {
    /// The run a plan describes, on `data` (nil: loaded from the plan's source):
    /// 1. the test set: `testSplit` of the data (seed ``TrainingSeeds/testSplit``), else the
    ///    source's own;
    /// 2. the validation set: `validationSplit` of the rest (seed ``TrainingSeeds/validationSplit``);
    /// 3. the scaling, fitted on the training part only and applied to every set (images: the
    ///    format's own bytes / 255);
    /// 4. the network (seed ``TrainingSeeds/weights``) and the optimizer — or a checkpoint's,
    ///    continuing after its epochs.
    ///
    /// Throws ``PlanError`` when the plan is invalid or does not fit the data; data that cannot
    /// be loaded throws ``DataError``.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public init(plan: TrainingPlan, data: TrainingData<T>? = nil, resumingFrom checkpoint: Checkpoint<T>? = nil) throws {
        try plan.validate()
        let seeds = plan.seeds
        let clock = ContinuousClock(), loadStart = clock.now
        let loaded = try data ?? plan.loadData(as: T.self)
        let loadSeconds = data == nil ? (clock.now - loadStart).seconds : 0
        let (dataName, fixedScale) = (loaded.name, loaded.fixedScale)
        var (train, test) = (loaded.train, loaded.test)
        _ = consume loaded      // so that scaling `train.x` in place below does not copy it (188 MB for Fashion-MNIST)
        if plan.layers?.last == 1 && train.isClassification && train.outputs == 2 {       // one sigmoid output for two classes
            (train, test) = (train.asOneOutput(), test?.asOneOutput())
        }
        if let fraction = plan.testSplit {
            let part = train.splitOff(validationFraction: fraction, seed: seeds.testSplit)
            guard train.count > 0 && part.count > 0 else {
                throw PlanError(.testSplit, "\(fraction) leaves \(plural(train.count, "training sample")) and \(plural(part.count, "test sample"))")
            }
            test = part
        }
        var validation: Dataset<T>? = nil
        if plan.validationSplit > 0 {
            let part = train.splitOff(validationFraction: plan.validationSplit, seed: seeds.validationSplit)
            guard train.count > 0 && part.count > 0 else {
                throw PlanError(.validationSplit, "\(plan.validationSplit) leaves \(plural(train.count, "training sample")) and \(plural(part.count, "validation sample"))")
            }
            validation = part
        }
        guard train.count > 0 else { throw PlanError(.data, "\(dataName) has no samples") }
        var rawInputs: (train: Matrix<T>, test: Matrix<T>?)? = nil
        if let features = plan.features {
            guard train.features == InputFeature.rawInputs else {
                throw PlanError(.features, "computes features from 2-D data (x1, x2); \(dataName) has \(plural(train.features, "feature"))")
            }
            rawInputs = (train.x, test?.x)
            train.x = InputFeature.map(features, train.x)
            if validation != nil { validation!.x = InputFeature.map(features, validation!.x) }
            if test != nil { test!.x = InputFeature.map(features, test!.x) }
        }
        let preprocessing: Preprocessing? = switch plan.scale {
        case _ where fixedScale != nil: fixedScale
        case .standardize: Preprocessing.fit(.standardize, to: train.x)
        case .minmax: Preprocessing.fit(.minmax, to: train.x)
        case .none: nil
        }
        if let preprocessing {
            preprocessing.apply(to: &train.x)
            if validation != nil { preprocessing.apply(to: &validation!.x) }
            if test != nil { preprocessing.apply(to: &test!.x) }
        }
        let shape = try plan.resolvedNetwork(features: train.features, outputs: train.outputs, classification: train.isClassification)
        try plan.checkMemory(sizes: shape.sizes, samples: train.count, scalarBytes: MemoryLayout<T>.size)
        var network: Network<T> = try plan.network(features: train.features, outputs: train.outputs,
                                                   classification: train.isClassification)
        if !train.isClassification {           // classes are one-hot: right for every loss
            try Self.checkTargets([("training", train), ("validation", validation), ("test", test)], loss: network.loss, dataName: dataName)
        }
        var optimizer: Optimizer<T> = plan.makeOptimizer()
        var configuration = plan.configuration
        if let checkpoint {
            let saved = checkpoint.model.network
            guard saved.sizes == network.sizes else {
                throw PlanError(.layers, "\(shapeName(network.sizes)) is what the plan gives for this data, but the checkpoint's network is \(shapeName(saved.sizes))")
            }
            guard checkpoint.epochsDone < plan.epochs || checkpoint.earlyStopping?.stopped == true else {
                throw PlanError(.epochs, "\(plan.epochs) does not go past the checkpoint: it has done \(plural(checkpoint.epochsDone, "epoch")) already; give --epochs with the new total (more than \(checkpoint.epochsDone))")
            }
            (network, optimizer, configuration.startEpoch) = (saved, checkpoint.optimizer, checkpoint.epochsDone)
            (optimizer.weightDecay, optimizer.l1) = (T(plan.weightDecay), T(plan.l1))     // a resume may change them
        }
        self.init(network: network, optimizer: optimizer, train: train, validation: validation, test: test,
                  preprocessing: preprocessing, configuration: configuration, plan: plan, dataName: dataName,
                  features: plan.features, rawInputs: rawInputs)
        if let state = checkpoint?.earlyStopping { restore(state) }
        self.loadSeconds = loadSeconds
    }

    /// Regression targets the loss is not defined for (``Loss/targetProblem(_:)``: binary
    /// cross-entropy on a target of 2 would train towards a negative loss), named by set and sample.
    static func checkTargets(_ sets: [(name: String, data: Dataset<T>?)], loss: Loss, dataName: String) throws(PlanError) {
        guard loss != .squaredError else { return }
        for (name, data) in sets {
            guard let y = data?.y else { continue }
            for r in 0..<y.rows {
                if let problem = loss.targetProblem(y.row(r).map { Double($0) }) {
                    throw PlanError(.loss, "\(problem): \(dataName)'s \(name) sample \(r + 1) (after the split); scale the targets into 0…1, or use squared-error")
                }
            }
        }
    }

    /// The model as it is now: the network, the class names, the scaling, and under `training`
    /// the plan and the epochs done.
    public var model: ModelFile<T> {
        var training = plan?.json.members ?? []
        training.append(("epochs_done", .number(epochsDone)))
        return ModelFile(network: network, classes: train.classNames, features: features, preprocessing: preprocessing, training: training)
    }

    /// A checkpoint of the run after its last completed epoch: the model (with the plan) and the
    /// optimizer's whole state. ``init(plan:data:resumingFrom:)`` continues from it bit for bit.
    public var checkpoint: Checkpoint<T> {
        Checkpoint(model: model, epochsDone: epochsDone, optimizer: optimizer, earlyStopping: earlyStopping)
    }
}
