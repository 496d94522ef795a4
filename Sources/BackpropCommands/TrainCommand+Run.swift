import ArgumentParser
import Backprop
import Foundation

/// What `backprop train` does around the run: the plan (with --resume, the checkpoint's), the
/// headline, checkpoints and snapshots after each epoch, and the closing output.
extension TrainCommand {
    /// The plan of the options, or with --resume the checkpoint's with the options given over it
    /// (only --epochs, --threads, --lr, --weight-decay, --l1, --dropout and --batch may differ: the last five
    /// change the run from the checkpoint's epoch on, as the playground's live changes do).
    func resolvedPlan() throws -> (TrainingPlan, Checkpoint<Float>?) {
        guard let resumePath else { return (try plan(over: TrainingPlan(data: dataOptions.data ?? "")), nil) }
        let checkpoint: Checkpoint<Float>
        var saved: TrainingPlan
        do {
            checkpoint = try Checkpoint<Float>(contentsOf: resumePath)
            saved = try checkpoint.plan
        } catch {
            if case .unreadable = error { throw InputError("\(error)") }
            throw InputError("\(resumePath): \(error)")
        }
        if let into = checkpoint.model.training.first(where: { $0.key == "batches_into_next_epoch" })?.value.number {
            throw InputError("--resume \(resumePath): it was saved \(into) batch\(into == "1" ? "" : "es") into epoch \(checkpoint.epochsDone + 1), and a run resumes only from an epoch's end; save it again between epochs (in the playground: pause when the batch counter reads 1/…)")
        }
        if let e = checkpoint.earlyStopping, e.stopped {
            throw InputError("--resume \(resumePath): the run stopped early after epoch \(checkpoint.epochsDone) and kept the weights of epoch \(e.bestEpoch); there is nothing to continue")
        }
        do { try saved.validate() } catch { throw InputError("--resume \(resumePath): its settings do not hold: \(error)") }
        // Its data files as written, or beside the checkpoint: a run resumes from another folder too.
        let folder = URL(fileURLWithPath: resumePath).deletingLastPathComponent().path
        (saved.data, saved.test) = (Self.located(saved.data, besides: folder), saved.test.map { Self.located($0, besides: folder) })
        if let patience = loopOptions.patience, patience != saved.patience {
            throw ValidationError("--resume \(resumePath): it was trained with \(saved.patience.map { "--patience \($0)" } ?? "no --patience"); leave out --patience (the checkpoint holds early stopping's state)")
        }
        let plan = try self.plan(over: saved)
        do { try plan.validate() } catch { throw error.usage }
        // Options that would change the run are refused, all of them by name; naming what the run
        // already had (a default included) is fine.
        let network = checkpoint.model.network
        let (now, then) = (plan.resolved(for: network).json.members ?? [], saved.resolved(for: network).json.members ?? [])
        let changed = now.compactMap { key, value -> String? in
            let old = then.first { $0.key == key }?.value ?? .null
            func text(_ v: JSON) -> String { v == .null ? "the default" : v.serialized() }
            return value == old ? nil : "\(key.replacingOccurrences(of: "_", with: " ")) \(text(old)), this command gives \(text(value))"
        }
        if !changed.isEmpty {
            throw InputError("--resume \(resumePath): it was trained with \(changed.joined(separator: "; with ")); leave those options out (the checkpoint has them)")
        }
        return (plan, checkpoint)
    }

    /// The run, its data loaded; a plan that does not fit the data is an input error.
    func makeRun(_ plan: TrainingPlan, resumingFrom checkpoint: Checkpoint<Float>?) throws -> TrainingRun<Float> {
        do { return try TrainingRun<Float>(plan: plan, resumingFrom: checkpoint) } catch let error as PlanError {
            throw InputError(resumePath.map { "--resume \($0): \(error)" } ?? "\(error)")
        } catch { throw InputError("\(error)") }
    }

    func headline(_ run: TrainingRun<Float>) -> String {
        let net = run.network, plan = run.plan ?? TrainingPlan.defaults
        return "Training \(shapeName(net.sizes)) (\(net.layers.map(\.activation.rawValue).joined(separator: "/")), \(net.loss.rawValue))"
            + " on \(run.dataName): \(plural(run.train.count, "sample"))"
            + (run.validation.map { ", \($0.count) for validation" } ?? "") + (run.test.map { ", \($0.count) for test" } ?? "")
            + "; \(plan.optimizer.rawValue) η = \(plan.effectiveLearningRate)\(plan.schedule == .constant ? "" : " (\(plan.learningRateSchedule.name))")"
            + ", batch \(plan.batch)\(plan.batch > run.train.count ? " (more than the \(plural(run.train.count, "training sample")): one batch of \(run.train.count) per epoch)" : "")"
            + ", \(plural(plan.epochs, "epoch")), seed \(plan.seed), \(plural(plan.threads, "thread"))"
            + (resumePath.map { ", resuming from \($0) after epoch \(run.epochsDone)" } ?? "")
    }

    /// The headline and the column titles (or nothing, with --json), and warnings about the plan.
    func announce(_ run: TrainingRun<Float>) -> TrainReport {
        let report = TrainReport(json: output.json, epochs: run.configuration.epochs, classification: run.train.isClassification,
                                 hasValidation: run.validation != nil, printEvery: outputFiles.printEvery ?? 1)
        report.start(headline(run))
        var warnings = (run.plan?.ineffective ?? []) + outputFiles.ineffective(resuming: resumePath != nil)
        if run.train.count < 10 {
            warnings.append("the run trains on \(plural(run.train.count, "sample")) only (what --validation-split and --test-split leave of \(run.dataName))")
        }
        for warning in warnings { writeToStandardError("backprop: warning: \(warning)\n") }
        return report
    }

    /// Every file the run will write, checked before training: a folder that does not exist or
    /// cannot be written is found now, not after the last epoch.
    func checkDestinations(_ plan: TrainingPlan, checkpoints: (every: Int, path: String)?) throws {
        var files: [(option: String, path: String)] = []
        if let save = outputFiles.savePath { files.append(("--save", save)) }
        if let checkpoints { files.append(("--checkpoint", checkpoints.path)) }
        if let report = outputFiles.reportPath { files.append(("--report", report)) }
        // No output may land on an input or on another output (the pictures of --plots included).
        var outputs = files
        if let plots = outputFiles.plots {
            outputs.append(("--plots", plots))
            for name in ["loss.svg", "accuracy.svg", "boundary.svg", "network.svg", "weights.svg", "misclassified.svg", "boundary-epoch-{epoch}.svg"] {
                outputs.append(("--plots", path(name, in: plots)))
            }
        }
        try checkNoCollision(outputs: outputs, inputs: [("--data", plan.data), ("--test", plan.test), ("--resume", resumePath)])
        if let plots = outputFiles.plots { _ = try writePictures([], to: plots, option: "--plots") }     // makes the folder
        for (option, path) in files {
            let first = path.replacingOccurrences(of: "{epoch}", with: "1")
            do { try checkWritable(first) } catch { throw InputError("\(option) \(first): \(error.reason)") }
        }
        if let save = outputFiles.savePath {                          // a model, or nothing
            _ = try ModelSave.existing(at: save, option: "--save", overwrite: outputFiles.overwrite, as: Float.self)
        }
        // A checkpoint replaces a checkpoint (the one it resumes from, or an older run's), not a model or a data set.
        if let checkpoints, !outputFiles.overwrite {
            let first = checkpoints.path.replacingOccurrences(of: "{epoch}", with: "1")
            if ModelSave.holdsSomething(first), !Checkpoint<Float>.isCheckpoint(contentsOf: first) {
                throw InputError("--checkpoint \(first): the file there is not a checkpoint, and would be replaced; name another file, or give --overwrite")
            }
        }
    }

    /// After every epoch: a checkpoint (--checkpoint-every) and a boundary snapshot (--plots-every).
    /// Returns what could not be written (the run then stops).
    func afterEpoch(_ run: TrainingRun<Float>, checkpoints: (every: Int, path: String)?) -> String? {
        let done = run.epochsDone
        if let (every, template) = checkpoints, done % every == 0 || done == run.configuration.epochs {
            let path = template.replacingOccurrences(of: "{epoch}", with: String(done))
            var checkpoint = run.checkpoint
            checkpoint.writing = (every, template)
            do { try checkpoint.write(to: path) } catch { return "no checkpoint after epoch \(done): \(error)" }
            announceWritten(path)
        }
        if let every = outputFiles.plotsEvery, let plots = outputFiles.plots, done % every == 0, run.rawTrainInputs.cols == 2 {
            let svg = boundary(run, model: run.model, title: "decision boundary after epoch \(done)")
            do { _ = try writePictures([("boundary-epoch-\(done).svg", svg)], to: plots, option: "--plots") } catch { return "\(error)" }
        }
        return nil
    }

    /// The diagram's style for a saved model: its class names beside the outputs.
    func labelled(_ model: ModelFile<Float>) -> NetworkDiagram.Style {
        var style = NetworkDiagram.Style()
        style.outputLabels = model.classes
        return style
    }

    /// The decision boundary (or a regression's output) of `model` over the run's raw 2-D training points.
    func boundary(_ run: TrainingRun<Float>, model: ModelFile<Float>, title: String = "decision boundary") -> SVG {
        var style = DecisionBoundary.Style()
        (style.title, style.classNames) = (title, model.classes)
        return DecisionBoundary.svg(model: model, points: run.rawTrainInputs,
                                    targets: .init(run.train.y, isClassification: run.train.isClassification), style: style)
    }

    /// The end: the test set, health, the saved model, pictures and report, the closing lines,
    /// and the exit status (3 diverged, 130 interrupted).
    func finish(_ run: TrainingRun<Float>, result: TrainingResult, report: TrainReport, failure: String?) throws {
        let testResult = run.test.map { Evaluation(network: run.network, data: $0) }
        let probe = min(run.train.count, 1000)
        let plan = run.plan ?? TrainingPlan.defaults
        let setting = TrainingHealth.Setting(scaledInputs: plan.scale != .none,
                                             initializers: run.network.layers.map { plan.initializer ?? .standard(for: $0.activation) })
        let health = TrainingHealth(network: run.network, input: run.train.x.rows(0..<probe), target: run.train.y.rows(0..<probe),
                                    optimizer: run.optimizer, learningRates: result.epochs.map(\.learningRate), setting: setting)
        var model = run.model
        if let accuracy = testResult?.accuracy { model.training.append(("test_accuracy", .number(accuracy))) }
        // No model is replaced by a worse one (ModelSave): a diverged run's goes beside it, and so
        // does one that does worse on the same samples; an interrupted run that did not finish an
        // epoch saves nothing.
        var savePath = result.interrupted && result.epochs.isEmpty ? nil : outputFiles.savePath
        var warning: String? = nil
        if let path = savePath, result.divergence != nil {
            savePath = ModelSave.beside(path, tag: "diverged")
        } else if let path = savePath {
            (savePath, warning) = ModelSave.destination(for: path, overwrite: outputFiles.overwrite) { run.compare(with: $0, measured: testResult) }
        }
        if let savePath { try saveModel(model, to: savePath) }
        if let warning { writeToStandardError(warning) }
        let pictures = outputFiles.plots == nil && outputFiles.reportPath == nil ? [] : self.pictures(run, result: result, model: model)
        if let plots = outputFiles.plots { _ = try writePictures(pictures, to: plots, option: "--plots") }
        if let reportPath = outputFiles.reportPath {
            let html = TrainingReport(title: "backprop train on \(run.dataName)", settings: model.training, result: result, test: testResult,
                                      health: health, pictures: pictures.map { ($0.name, $0.svg) }).html
            try write(Array(html.utf8), to: reportPath)
        }
        report.finish(result: result, test: testResult, health: health, saved: savePath, settings: model.training,
                      loadSeconds: run.loadSeconds)
        if let failure { throw InputError(failure) }
        if let d = result.divergence {
            let plan = run.plan ?? TrainingPlan.defaults
            let kept = d.restoredEpoch == 0 ? "the initial parameters" : "the parameters of epoch \(d.restoredEpoch), the last good one"
            let hint = divergenceHint(run, plan)
            writeToStandardError("backprop: training diverged at epoch \(d.epoch), batch \(d.batch): \(d.place) became NaN or infinite first. "
                + "\(hint). Kept \(kept)"
                + (savePath.map { " and saved them to \($0)" } ?? "")
                + (savePath != outputFiles.savePath ? " (\(outputFiles.savePath ?? "") already held a model, and is left as it was)" : "") + ".\n")
            throw ExitCode(3)
        }
        if result.interrupted {
            let saved = savePath.map { "; saved the model to \($0)" }
                ?? outputFiles.savePath.map { "; nothing saved, as no epoch of this run had ended (\($0) was not written)" } ?? ""
            writeToStandardError("backprop: interrupted after \(plural(result.epochs.count, "complete epoch"))\(saved)\n")
            throw ExitCode(130)
        }
    }

    /// What to try after a divergence: a lower η; a lower penalty whose step alone is as large as
    /// the weights (η·λ ≥ 1), else Adam; and for regression targets of a million or more, smaller
    /// ones (the squared error squares them, and Backprop scales inputs, not targets).
    func divergenceHint(_ run: TrainingRun<Float>, _ plan: TrainingPlan) -> String {
        let penalty = [("--weight-decay", plan.weightDecay), ("--l1", plan.l1)].first { $0.1 > 0 && run.learningRate * $0.1 >= 1 }
        let largest = run.train.isClassification ? 0 : run.train.y.storage.reduce(Float(0)) { max($0, abs($1)) }
        return "Try a lower learning rate (it is \(run.learningRate))" + (penalty.map {
            " or a lower \($0.0) (it is \($0.1): η·λ = \(String(format: "%g", run.learningRate * $0.1)), a step as large as the weights)"
        } ?? (plan.optimizer == .adam ? "" : " or --optimizer adam"))
            + (largest >= 1e6 ? ", or smaller targets (they reach \(fmt(Double(largest), 3)), and the loss squares them; Backprop scales the inputs, not the targets)" : "")
    }

    /// loss.svg, accuracy.svg (classes), boundary.svg (2 inputs, classes), network.svg, and for
    /// square images the first layer's weights and misclassified samples.
    func pictures(_ run: TrainingRun<Float>, result: TrainingResult, model: ModelFile<Float>) -> [(name: String, svg: SVG)] {
        let (epochs, train) = (result.epochs, run.train)
        func series(_ name: String, _ k: Int, _ value: (EpochMetrics) -> Double?) -> LineChart.Series? {
            let points = epochs.compactMap { m in value(m).map { (Double(m.epoch), $0) } }
            return points.isEmpty ? nil : LineChart.Series(name: name, color: LineChart.colors[k], points: points)
        }
        var out: [(name: String, svg: SVG)] = [("loss.svg", LineChart(title: "loss", yLabel: "loss per sample",
            series: [series("train", 0, \.loss), series("validation", 1, \.validationLoss)].compactMap { $0 },
            logScale: (outputFiles.lossScale ?? .log) == .log).svg())]
        if train.isClassification {
            var accuracy = LineChart(title: "accuracy", yLabel: "accuracy",
                                     series: [series("train", 0, \.accuracy), series("validation", 1, \.validationAccuracy)].compactMap { $0 })
            accuracy.maxY = 1
            out.append(("accuracy.svg", accuracy.svg()))
        }
        if run.rawTrainInputs.cols == 2 && train.outputs <= 2 { out.append(("boundary.svg", boundary(run, model: model))) }
        if model.network.sizes.reduce(0, +) <= 300 { out.append(("network.svg", NetworkDiagram.svg(network: model.network, style: labelled(model)))) }
        let side = Int(Double(train.features).squareRoot())
        if side * side == train.features && side >= 4 && train.isClassification {      // square images
            out.append(("weights.svg", ImageGrid.firstLayerWeights(model.network, side: side)))
            out.append(("misclassified.svg", ImageGrid.misclassified(model.network, data: run.test ?? train, side: side)))
        }
        return out
    }

    /// A data path of a checkpoint's plan: as written when it exists from here, else beside the
    /// checkpoint (a relative path was written from the checkpoint's folder), else as written.
    static func located(_ path: String, besides folder: String) -> String {
        guard ToySets.Shape(rawValue: path) == nil, path != "fashion-mnist", !path.hasPrefix("/"),
              !FileManager.default.fileExists(atPath: path) else { return path }
        let beside = BackpropCommands.path(path, in: folder)
        return FileManager.default.fileExists(atPath: beside) ? beside : path
    }
}

extension TrainingPlan {
    /// The plan as a resumed run sees it: every default that the checkpoint's network settled
    /// (sizes, activations, output, loss) filled in, and what a resume may change (epochs,
    /// threads, η, λ, λ₁, batch) or no longer uses (the initialisation) left out — for comparing two plans.
    func resolved(for network: Network<Float>) -> TrainingPlan {
        var p = self
        p.layers = layers ?? network.sizes
        let hidden = network.layers.dropLast().map(\.activation)
        if activations.count == 1 && (p.layers?.count ?? 0) == network.sizes.count { p.activations = Array(repeating: activations[0], count: hidden.count) }
        p.output = output ?? network.layers[network.layers.count - 1].activation
        p.loss = loss ?? network.loss
        p.learningRate = effectiveLearningRate
        (p.data, p.test) = (Self.comparable(data), test.map(Self.comparable))
        (p.initializer, p.epochs, p.threads) = (nil, 1, 1)
        (p.learningRate, p.weightDecay, p.l1, p.batch, p.dropout) = (nil, 0, 0, 1, 0)     // a resume may change these
        return p
    }

    /// A data path as the file system resolves it (so that `rb.csv` and `./csv/../rb.csv` agree).
    static func comparable(_ path: String) -> String {
        FileManager.default.fileExists(atPath: path) && ToySets.Shape(rawValue: path) == nil ? canonicalPath(path) : path
    }
}
