import ArgumentParser
import Backprop
import Foundation

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a network on a data set with mini-batches, and save it.",
        discussion: """
            Every epoch shuffles the training samples (from --seed), takes one step per batch, then \
            measures the validation set (--validation-split) if any. Inputs are standardised with \
            statistics of the training part only (images: bytes / 255), and the statistics are \
            saved with the model. At the end the test set (--test, or the data set's own test \
            split) is measured.

            On a terminal a progress bar shows the epoch, the live loss and the time left; \
            otherwise one line per epoch. --json prints one JSON object instead.

            If a loss or a weight becomes NaN or infinite, training stops, says where it happened \
            first, keeps (and with --save saves) the parameters of the last good epoch, and exits \
            with status 3. Ctrl-C stops after the current batch, saves if --save was given, and \
            exits with status 130.

            Examples:
              backprop train --data fashion-mnist --layers 784,128,10 --lr 0.1 --epochs 5 --save fmnist.json
              backprop train --data spiral --layers 2,16,16,2 --activation tanh --optimizer adam --lr 0.01 --epochs 200
              backprop train --data iris.csv --validation-split 0.2 --patience 10 --epochs 500
            """
    )

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var networkOptions: NetworkOptions

    @Option(help: "Update rule.")
    var optimizer: Optimizer<Float>.Kind = .sgd

    @Option(name: .customLong("lr"), help: "Learning rate η (default: 0.1, or 0.001 for adam).")
    var learningRate: Double?

    @Option(help: "μ for momentum and nesterov.")
    var momentum: Double = 0.9

    @Option(help: "λ: L2 weight decay (sgd, momentum, nesterov) or decoupled weight decay (adam, i.e. AdamW), on weights only.")
    var weightDecay: Double = 0

    @Option(help: "Learning-rate schedule: constant, step (×--step-factor every --step-every epochs) or cosine (down to --min-lr).")
    var schedule: ScheduleName = .constant

    @Option(help: "Epochs between learning-rate steps (--schedule step).")
    var stepEvery: Int = 10

    @Option(help: "Factor of each learning-rate step (--schedule step).")
    var stepFactor: Double = 0.1

    @Option(help: "Final learning rate of --schedule cosine.")
    var minLr: Double = 0

    @Option(help: "Samples per batch.")
    var batch: Int = 64

    @Option(help: "Passes over the training data.")
    var epochs: Int = 10

    @Option(help: "Seed of the weights, the shuffling, the validation split and generated data.")
    var seed: UInt64 = 1

    @Option(help: "Fraction of the training data held out to validate each epoch, e.g. 0.1.")
    var validationSplit: Double = 0

    @Option(help: "Fraction of --data held out as the test set, e.g. 0.5 (instead of the source's own test split).")
    var testSplit: Double?

    @Option(help: "Stop after this many epochs without a lower validation loss, and keep the best weights.")
    var patience: Int?

    @Option(help: "Input scaling for CSV and generated data: standardize, minmax or none.")
    var scale: ScaleName = .standardize

    @Option(help: "BLAS threads.")
    var threads: Int = 1

    @Option(name: .customLong("save"), help: "Write the trained model here (.json, or .safetensors for PyTorch and NumPy).")
    var savePath: String?

    @Option(help: ArgumentHelp("Write pictures here at the end: loss.svg, accuracy.svg, and boundary.svg for 2-D data.", valueName: "folder"))
    var plots: String?

    @Option(help: "Scale of the loss curve's y axis.")
    var lossScale: LossScale = .log

    enum LossScale: String, ExpressibleByArgument, CaseIterable { case log, linear }

    @Option(help: "With --plots and 2-D data: also a decision-boundary snapshot every N epochs (boundary-epoch-N.svg).")
    var plotsEvery: Int?

    @Option(name: .customLong("report"), help: ArgumentHelp("Write a self-contained HTML report here: settings, epochs, health and the pictures.", valueName: "file.html"))
    var reportPath: String?

    @Option(help: "Write a checkpoint (the model and the optimizer's state) every N epochs.")
    var checkpointEvery: Int?

    @Option(name: .customLong("checkpoint"), help: "Where --checkpoint-every writes (a model file with the training state added); {epoch} in the name becomes the epoch number.")
    var checkpointPath: String = "checkpoint.json"

    @Option(name: .customLong("resume"), help: "Continue from a checkpoint: the same options as the run that wrote it, and --epochs for the total.")
    var resumePath: String?

    @OptionGroup var output: OutputOptions

    enum ScheduleName: String, ExpressibleByArgument, CaseIterable { case constant, step, cosine }

    /// loss.svg, accuracy.svg (classes), boundary.svg (2 inputs, classes), network.svg, and for
    /// square images the first layer's weights and misclassified samples.
    func pictures(result: TrainingResult, model: ModelFile<Float>, train: Dataset<Float>, test: Dataset<Float>?,
                  preprocessing: Preprocessing?) -> [(name: String, svg: SVG)] {
        let epochs = result.epochs
        func series(_ name: String, _ k: Int, _ value: (EpochMetrics) -> Double?) -> LineChart.Series? {
            let points = epochs.compactMap { m in value(m).map { (Double(m.epoch), $0) } }
            return points.isEmpty ? nil : LineChart.Series(name: name, color: LineChart.colors[k], points: points)
        }
        var out: [(name: String, svg: SVG)] = [("loss.svg", LineChart(title: "loss", yLabel: "loss per sample",
            series: [series("train", 0, \.loss), series("validation", 1, \.validationLoss)].compactMap { $0 },
            logScale: lossScale == .log).svg())]
        if train.isClassification {
            out.append(("accuracy.svg", LineChart(title: "accuracy", yLabel: "accuracy",
                series: [series("train", 0, \.accuracy), series("validation", 1, \.validationAccuracy)].compactMap { $0 }).svg()))
            if train.features == 2 {
                var raw = train.x
                preprocessing?.unapply(to: &raw)
                out.append(("boundary.svg", DecisionBoundary.svg(model: model, points: raw, labels: train.labels)))
            }
        }
        if model.network.sizes.reduce(0, +) <= 300 { out.append(("network.svg", NetworkDiagram.svg(network: model.network))) }
        let side = Int(Double(train.features).squareRoot())
        if side * side == train.features && side >= 4 && train.isClassification {      // square images
            out.append(("weights.svg", ImageGrid.firstLayerWeights(model.network, side: side)))
            out.append(("misclassified.svg", ImageGrid.misclassified(model.network, data: test ?? train, side: side)))
        }
        return out
    }

    var scheduleValue: LearningRateSchedule {
        switch schedule {
        case .constant: .constant
        case .step: .step(every: stepEvery, factor: stepFactor)
        case .cosine: .cosine(minimum: minLr)
        }
    }

    /// A checkpoint continues the run that wrote it: the options that shape the run must match.
    func checkSameRun(_ checkpoint: Checkpoint<Float>, _ settings: [(key: String, value: JSON)]) throws {
        let saved = checkpoint.model.training
        for key in ["data", "optimizer", "learning_rate", "schedule", "batch", "seed", "validation_split", "weight_decay"] {
            guard let now = settings.first(where: { $0.key == key })?.value, let then = saved.first(where: { $0.key == key })?.value else { continue }
            if now != then {
                throw InputError("--resume \(resumePath!): it was trained with \(key) \(then.serialized()), this command gives \(now.serialized()); use the options it was started with")
            }
        }
        if networkOptions.layers != nil, let then = saved.first(where: { $0.key == "layers" })?.value,
           let sizes = try networkOptions.sizes(), then != .string(shapeName(sizes)) {
            throw InputError("--resume \(resumePath!): it was trained with layers \(then.serialized()), this command gives \(shapeName(sizes))")
        }
        guard checkpoint.epochsDone < epochs else {
            throw InputError("--resume \(resumePath!): it has done \(checkpoint.epochsDone) epochs already; give --epochs with the new total (more than \(checkpoint.epochsDone))")
        }
    }
    enum ScaleName: String, ExpressibleByArgument, CaseIterable { case standardize, minmax, none }

    func validate() throws {
        try dataOptions.validateData()
        try networkOptions.validateNetwork()
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1 (got \(epochs))") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1 (got \(batch))") }
        if let learningRate, !(learningRate.isFinite && learningRate > 0) { throw ValidationError("--lr must be a positive number (got \(learningRate))") }
        guard validationSplit >= 0 && validationSplit < 1 else { throw ValidationError("--validation-split must be in [0, 1) (got \(validationSplit))") }
        if let testSplit {
            guard testSplit > 0 && testSplit < 1 else { throw ValidationError("--test-split must be between 0 and 1 (got \(testSplit))") }
            guard dataOptions.test == nil else { throw ValidationError("give --test or --test-split, not both") }
        }
        if let patience, patience < 1 { throw ValidationError("--patience must be at least 1 (got \(patience))") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256 (got \(threads))") }
        guard weightDecay >= 0 && weightDecay.isFinite else { throw ValidationError("--weight-decay must be 0 or more") }
        guard momentum >= 0 && momentum < 1 else { throw ValidationError("--momentum must be in [0, 1) (got \(momentum))") }
        guard stepEvery >= 1 else { throw ValidationError("--step-every must be at least 1") }
        if let plotsEvery, plotsEvery < 1 || plots == nil { throw ValidationError("--plots-every needs --plots and a number of epochs of at least 1") }
        if let checkpointEvery, checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be at least 1 (got \(checkpointEvery))") }
        if resumePath != nil && patience != nil {
            throw ValidationError("--resume does not carry early stopping's best weights; leave out --patience")
        }
    }

    func run() throws {
        BLAS.setThreads(threads)
        let seeds = TrainingSeeds(seed)
        var (source, train, test, fixedScale) = try dataOptions.load(seed: seed, testSplit: testSplit == nil)
        if let testSplit {
            test = train.splitOff(validationFraction: testSplit, seed: seeds.testSplit)
            guard train.count > 0 && test!.count > 0 else {
                throw InputError("--test-split \(testSplit) leaves \(train.count) training and \(test!.count) test samples")
            }
        }
        var validation: Dataset<Float>? = nil
        if validationSplit > 0 {
            validation = train.splitOff(validationFraction: validationSplit, seed: seeds.validationSplit)
            guard train.count > 0 && validation!.count > 0 else {
                throw InputError("--validation-split \(validationSplit) leaves \(train.count) training and \(validation!.count) validation samples")
            }
        }
        let preprocessing: Preprocessing? = fixedScale ?? (scale == .none ? nil
            : Preprocessing.fit(scale == .standardize ? .standardize : .minmax, to: train.x))
        if let preprocessing {
            preprocessing.apply(to: &train.x)
            if validation != nil { preprocessing.apply(to: &validation!.x) }
            if test != nil { preprocessing.apply(to: &test!.x) }
        }
        let rate = learningRate ?? (optimizer == .adam ? 0.001 : 0.1)
        var settings: [(key: String, value: JSON)] = [
            ("data", .string(source.name)), ("layers", .string("")),
            ("optimizer", .string(optimizer.rawValue)), ("learning_rate", .number(rate)),
            ("schedule", .string(scheduleValue.name)), ("batch", .number(batch)),
            ("epochs", .number(epochs)), ("seed", .number(seed)),
            ("validation_split", .number(validationSplit)), ("weight_decay", .number(weightDecay)),
        ]
        if optimizer == .momentum || optimizer == .nesterov { settings.append(("momentum", .number(momentum))) }
        if let patience { settings.append(("patience", .number(patience))) }
        if let testSplit { settings.append(("test_split", .number(testSplit))) }
        var network: Network<Float>
        var opt: Optimizer<Float>
        var configuration = TrainingConfiguration(epochs: epochs, batchSize: batch, seed: seeds.shuffle)
        if let resumePath {
            let checkpoint: Checkpoint<Float>
            do { checkpoint = try Checkpoint<Float>(contentsOf: resumePath) } catch { throw InputError("\(resumePath): \(error)") }
            try checkSameRun(checkpoint, settings)
            (network, opt, configuration.startEpoch) = (checkpoint.model.network, checkpoint.optimizer, checkpoint.epochsDone)
            guard network.inputSize == train.features && network.outputSize == train.outputs else {
                throw InputError("\(resumePath) is \(shapeName(network.sizes)); the data has \(train.features) features and \(train.outputs) outputs")
            }
        } else {
            network = try networkOptions.network(for: train, seed: seed)
            opt = Optimizer<Float>(optimizer, learningRate: Float(rate), momentum: Float(momentum), weightDecay: Float(weightDecay))
        }
        settings[1].value = .string(shapeName(network.sizes))
        configuration.learningRate = rate
        configuration.patience = patience
        configuration.schedule = scheduleValue
        let classes = train.classNames

        let report = TrainReport(json: output.json, epochs: epochs, classification: train.isClassification,
                                 hasValidation: validation != nil)
        report.start("Training \(shapeName(network.sizes)) (\(network.layers.map(\.activation.rawValue).joined(separator: "/")), "
                     + "\(network.loss.rawValue)) on \(source.name): \(train.count) samples"
                     + (validation.map { ", \($0.count) for validation" } ?? "") + (test.map { ", \($0.count) for test" } ?? "")
                     + "; \(opt.kind.rawValue) η = \(rate)\(configuration.schedule == .constant ? "" : " (\(configuration.schedule.name))")"
                     + ", batch \(batch), \(epochs) epochs, seed \(seed), \(threads) thread\(threads == 1 ? "" : "s")"
                     + (resumePath.map { ", resuming from \($0) after epoch \(configuration.startEpoch)" } ?? ""))
        Interrupt.shared.install()
        let checkpointPath = self.checkpointPath
        // Raw coordinates of 2-D class data, for boundary snapshots during training.
        var boundaryPoints: Matrix<Float>? = nil
        if plotsEvery != nil && train.features == 2 && train.isClassification {
            var raw = train.x
            preprocessing?.unapply(to: &raw)
            boundaryPoints = raw
        }
        let result = network.fit(train, validation: validation, optimizer: &opt, configuration: configuration, observe: { event in
            report.observe(event)
            return !Interrupt.shared.isRequested
        }, afterEpoch: { net, optimizer, done in
            if let every = checkpointEvery, done % every == 0 || done == epochs {
                let model = ModelFile(network: net, classes: classes, preprocessing: preprocessing, training: settings)
                let path = checkpointPath.replacingOccurrences(of: "{epoch}", with: String(done))
                do { try Checkpoint(model: model, epochsDone: done, optimizer: optimizer).write(to: path) } catch {
                    FileHandle.standardError.write(Data("backprop: warning: no checkpoint after epoch \(done): \(error)\n".utf8))
                }
            }
            if let every = plotsEvery, let plots, done % every == 0, let raw = boundaryPoints {
                let model = ModelFile(network: net, preprocessing: preprocessing)
                let svg = DecisionBoundary.svg(model: model, points: raw, labels: train.labels, title: "decision boundary after epoch \(done)")
                do { _ = try writePictures([("boundary-epoch-\(done).svg", svg)], to: plots, option: "--plots") } catch {
                    FileHandle.standardError.write(Data("backprop: warning: \(error)\n".utf8))
                }
            }
        })
        let testResult = test.map { Evaluation(network: &network, data: $0) }
        let probe = min(train.count, 1000)
        let health = TrainingHealth(network: network, input: train.x.rows(0..<probe), target: train.y.rows(0..<probe),
                                    learningRate: Double(opt.learningRate))
        settings[6].value = .number(configuration.startEpoch + result.epochs.count)      // epochs done
        if let accuracy = testResult?.accuracy { settings.append(("test_accuracy", .number(accuracy))) }
        let model = ModelFile(network: network, classes: train.classNames, preprocessing: preprocessing, training: settings)
        if let savePath { try saveModel(model, to: savePath) }
        let pictures = plots == nil && reportPath == nil ? []
            : self.pictures(result: result, model: model, train: train, test: test, preprocessing: preprocessing)
        if let plots { _ = try writePictures(pictures, to: plots, option: "--plots") }
        if let reportPath {
            let html = TrainingReport(title: "backprop train on \(source.name)", settings: settings, result: result, test: testResult,
                                      health: health, pictures: pictures.map { ($0.name, $0.svg) }).html
            do { try writeFileAtomically(Array(html.utf8), to: reportPath) } catch { throw InputError("\(error)") }
        }
        report.finish(result: result, test: testResult, health: health, saved: savePath, settings: settings)
        if let d = result.divergence {
            let kept = d.restoredEpoch == 0 ? "the initial parameters" : "the parameters of epoch \(d.restoredEpoch), the last good one"
            FileHandle.standardError.write(Data(("backprop: training diverged at epoch \(d.epoch), batch \(d.batch): \(d.place) became NaN or infinite first. "
                + "Try a lower learning rate (it is \(rate))\(optimizer == .adam ? "" : " or --optimizer adam"). Kept \(kept)"
                + (savePath.map { " and saved them to \($0)" } ?? "") + ".\n").utf8))
            throw ExitCode(3)
        }
        if result.interrupted {
            FileHandle.standardError.write(Data("backprop: interrupted after \(result.epochs.count) complete epoch(s)\(savePath.map { "; saved the model to \($0)" } ?? "")\n".utf8))
            throw ExitCode(130)
        }
    }
}
