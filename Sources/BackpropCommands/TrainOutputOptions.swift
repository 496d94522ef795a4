import ArgumentParser
import Backprop

/// What `backprop train` writes: the model, pictures, a report, checkpoints.
struct TrainOutputOptions: ParsableArguments {
    @Option(name: .customLong("save"), help: "Write the trained model here (.json, or .safetensors for PyTorch and NumPy).")
    var savePath: String?

    @Flag(help: "Replace the file at --save (and at --checkpoint) whatever it is: a model that does better on the same samples (else this run's goes beside it, NAME.worse.json), a checkpoint, another file. A diverged run still replaces nothing.")
    var overwrite = false

    @Option(help: ArgumentHelp("Write pictures here at the end: loss.svg, accuracy.svg, and boundary.svg for 2-D data.", valueName: "folder"))
    var plots: String?

    @Option(help: "Scale of the loss curve's y axis.")
    var lossScale: LossScale?

    enum LossScale: String, ExpressibleByArgument, CaseIterable { case log, linear }

    @Option(parsing: .unconditional, help: "With --plots and 2-D data: also a decision-boundary snapshot every N epochs (boundary-epoch-N.svg).")
    var plotsEvery: Int?

    @Option(name: .customLong("report"), help: ArgumentHelp("Write a self-contained HTML report here: settings, epochs, health and the pictures.", valueName: "file.html"))
    var reportPath: String?

    @Option(parsing: .unconditional, help: "Print every N-th epoch's line, and the last (default: every epoch).")
    var printEvery: Int?

    @Option(parsing: .unconditional, help: "Write a checkpoint (the model, the settings and the optimizer's state) every N epochs.")
    var checkpointEvery: Int?

    @Option(name: .customLong("checkpoint"), help: "Where --checkpoint-every writes (JSON); {epoch} in the name becomes the epoch number.")
    var checkpointPath: String?

    /// Where checkpoints go when --checkpoint is not given.
    static let defaultCheckpointPath = "checkpoint.json"

    func validate() throws {
        if let plotsEvery, plotsEvery < 1 || plots == nil { throw ValidationError("--plots-every needs --plots and a number of epochs ≥ 1") }
        if let printEvery, printEvery < 1 { throw ValidationError("--print-every must be ≥ 1 (got \(printEvery))") }
        if let checkpointEvery, checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be ≥ 1 (got \(checkpointEvery))") }
        if let checkpointPath, ModelFile<Float>.isSafeTensors(checkpointPath) {
            throw ValidationError("--checkpoint \(checkpointPath): checkpoints are JSON (they hold the settings and the optimizer's state); name it .json")
        }
        if let savePath { try checkOutputName(savePath, option: "--save", extensions: ["json", "safetensors"], kind: "a model") }
        if let checkpointPath { try checkOutputName(checkpointPath, option: "--checkpoint", extensions: ["json"], kind: "a checkpoint") }
        if let reportPath { try checkOutputName(reportPath, option: "--report", extensions: ["html", "htm"], kind: "the report (HTML)") }
    }

    /// Options given that would do nothing, as warnings.
    func ineffective(resuming: Bool) -> [String] {
        var out: [String] = []
        if checkpointPath != nil && checkpointEvery == nil && !resuming { out.append("--checkpoint has no effect without --checkpoint-every") }
        if lossScale != nil && plots == nil && reportPath == nil { out.append("--loss-scale has no effect without --plots or --report") }
        if overwrite && savePath == nil { out.append("--overwrite has no effect without --save") }
        return out
    }
}
