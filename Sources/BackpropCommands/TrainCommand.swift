import ArgumentParser
import Backprop
import Foundation

/// `backprop train`: builds a ``TrainingPlan`` from its options (or a checkpoint's), drives the
/// ``TrainingRun``, and prints, saves and draws what it reports. Every default and every check
/// of a setting is the plan's.
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
            with status 3. Ctrl-C stops after the current batch, saves if --save was given (not \
            before the run's first epoch has ended: it then says that nothing was saved), and exits with \
            status 130.

            --resume ck.json continues the run that wrote the checkpoint, with its settings (the \
            checkpoint holds them): no other option is needed. --epochs N extends it to N epochs \
            in all; a cosine schedule is then computed over the new total, step and constant \
            schedules go on as they were. --lr, --weight-decay, --l1, --dropout and --batch may be given \
            too: they change the run from the checkpoint's epoch on (the network, the optimizer's \
            state and the shuffles go on), as a change in the playground does.

            Examples:
              backprop train --data fashion-mnist --layers 784,128,10 --lr 0.1 \\
                  --epochs 5 --save fmnist.json
              backprop train --data spiral --layers 2,16,16,2 --activation tanh \\
                  --optimizer adam --lr 0.01 --epochs 200 --save spiral.json
              backprop train --data spiral --epochs 20 --checkpoint-every 5 \\
                  --checkpoint ck.json
              backprop train --resume ck.json --epochs 40
            """
    )

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var networkOptions: NetworkOptions
    @OptionGroup var optimizerOptions: OptimizerOptions
    @OptionGroup var loopOptions: LoopOptions
    @OptionGroup var outputFiles: TrainOutputOptions

    @Option(name: .customLong("resume"), help: "Continue from a checkpoint, with its settings; --epochs gives a new total.")
    var resumePath: String?

    @OptionGroup var output: OutputOptions

    /// The options given, over `base` (the defaults, or a checkpoint's plan).
    func plan(over base: TrainingPlan) throws -> TrainingPlan {
        var plan = base
        dataOptions.apply(to: &plan)
        try networkOptions.apply(to: &plan)
        optimizerOptions.apply(to: &plan)
        loopOptions.apply(to: &plan)
        return plan
    }

    func validate() throws {
        try outputFiles.validate()
        if resumePath != nil {
            if resumePath?.isEmpty == true { throw ValidationError("--resume needs a checkpoint file") }
            return                                                    // checked with the checkpoint's plan, in run()
        }
        guard let data = dataOptions.data else { throw ValidationError("Missing expected argument '--data <source>' (or --resume a checkpoint)") }
        do { try plan(over: TrainingPlan(data: data)).validate() } catch let error as PlanError { throw error.usage }
    }

    func run() throws {
        let (plan, checkpoint) = try resolvedPlan()
        var run = try makeRun(plan, resumingFrom: checkpoint)
        let checkpoints = outputFiles.checkpointEvery.map { ($0, outputFiles.checkpointPath ?? TrainOutputOptions.defaultCheckpointPath) }
            ?? checkpoint?.writing.map { (every: $0.every, path: outputFiles.checkpointPath ?? $0.path) }
        try checkDestinations(plan, checkpoints: checkpoints)    // before the work, not after it
        if let resumePath, outputFiles.checkpointEvery == nil, outputFiles.checkpointPath == nil, let path = checkpoints?.1,
           !path.contains("{epoch}"), canonicalPath(path) != canonicalPath(resumePath) {   // e.g. resuming from a copy
            writeToStandardError("backprop: warning: checkpoints go to \(path) (the checkpoint's --checkpoint), not to \(resumePath); --checkpoint \(resumePath) writes them there\n")
        }
        let report = announce(run)
        Interrupt.shared.install()                               // from here the first Ctrl-C finishes the batch
        let failure = WriteFailure()
        let result = run.run(observe: { event in
            report.observe(event)
            return !Interrupt.shared.isRequested && failure.message == nil
        }, afterEpoch: { failure.message = failure.message ?? afterEpoch($0, checkpoints: checkpoints) })
        try finish(run, result: result, report: report, failure: failure.message)
    }
}

/// A write that failed during training (a checkpoint): the run stops, and the command fails.
final class WriteFailure {
    var message: String?
}
