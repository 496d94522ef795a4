import Backprop
import Foundation

/// What `backprop train` shows while and after training: a progress bar on a terminal, one line
/// per epoch, a closing summary — or, with --json, one JSON object at the end.
final class TrainReport {
    let json: Bool
    let epochs: Int
    let classification: Bool
    let hasValidation: Bool
    /// A progress bar only when stderr is a terminal.
    let interactive = isatty(STDERR_FILENO) != 0
    private let clock = ContinuousClock()
    private var lastDraw = ContinuousClock.now
    private var started = ContinuousClock.now
    /// Loss sum and batch count of the running epoch, for the live mean loss.
    private var running = (sum: 0.0, batches: 0)

    /// Print every N-th epoch's line (and the last).
    let printEvery: Int

    init(json: Bool, epochs: Int, classification: Bool, hasValidation: Bool, printEvery: Int = 1) {
        self.json = json
        self.printEvery = max(1, printEvery)
        self.epochs = epochs
        self.classification = classification
        self.hasValidation = hasValidation
    }

    func start(_ headline: String) {
        started = clock.now
        guard !json else { return }
        print(headline)
        var columns = ["epoch", "lr", "loss"]
        if classification { columns.append("accuracy") }
        if hasValidation { columns += ["val loss"] + (classification ? ["val acc"] : []) }
        columns.append("seconds")
        print(columns.map { pad($0, 10) }.joined(separator: " "))
        fflush(nil)                                     // seen at once when stdout is a pipe or a file
    }

    func observe(_ event: TrainingEvent) {
        guard !json else { return }
        switch event {
        case let .batch(epoch, batch, batches, loss):
            if batch == 1 { running = (0, 0) }
            running = (running.sum + loss, running.batches + 1)
            guard interactive, clock.now - lastDraw > .milliseconds(100) || batch == batches else { return }
            lastDraw = clock.now
            let done = Double(epoch - 1) + Double(batch) / Double(batches)
            let elapsed = (clock.now - started).seconds
            let eta = elapsed / done * (Double(epochs) - done)
            let width = 30, filled = Int(Double(width) * Double(batch) / Double(batches))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            writeToStandardError("\r\u{1B}[2Kepoch \(epoch)/\(epochs) \(bar) \(batch)/\(batches)  loss \(fmt(running.sum / Double(running.batches), 4))  ETA \(duration(eta))")
        case let .epoch(m):
            if interactive { writeToStandardError("\r\u{1B}[2K") }
            if m.epoch % printEvery == 0 || m.epoch == epochs { line(m) }
        }
    }

    /// The epoch last printed (`--print-every` skips some; the last one is always shown).
    private var printed = 0

    /// One epoch's line of the table.
    private func line(_ m: EpochMetrics) {
        printed = m.epoch
        var cells = [String(m.epoch), fmt(m.learningRate, 4), fmt(m.loss, 5)]
        if let a = m.accuracy { cells.append(String(format: "%.4f", a)) }
        if hasValidation {
            cells.append(m.validationLoss.map { fmt($0, 5) } ?? "")
            if classification { cells.append(m.validationAccuracy.map { String(format: "%.4f", $0) } ?? "") }
        }
        cells.append(String(format: "%.2f", m.seconds))
        print(cells.map { pad($0, 10) }.joined(separator: " ") + (m.isBest && hasValidation ? "  *" : ""))
        fflush(nil)
    }

    func finish(result: TrainingResult, test: Evaluation?, health: TrainingHealth, saved: String?,
                settings: [(key: String, value: JSON)], loadSeconds: Double) {
        if !json, let last = result.epochs.last, last.epoch != printed { line(last) }    // stopped before a printed epoch
        if json {
            printJSON(.object([
                ("settings", .object(settings)),
                ("epochs", .array(result.epochs.map { m in
                    var members: [(key: String, value: JSON)] = [
                        ("epoch", .number(m.epoch)), ("learning_rate", .number(m.learningRate)),
                        ("loss", .number(m.loss)), ("seconds", .number(m.seconds)),
                    ]
                    if let a = m.accuracy { members.append(("accuracy", .number(a))) }
                    if let v = m.validationLoss { members.append(("validation_loss", .number(v))) }
                    if let v = m.validationAccuracy { members.append(("validation_accuracy", .number(v))) }
                    return .object(members)
                })),
                ("best_epoch", .number(result.bestEpoch)),
                ("stopped_early", .bool(result.stoppedEarly)),
                ("interrupted", .bool(result.interrupted)),
                ("diverged", result.divergence.map { d in .object([
                    ("epoch", .number(d.epoch)), ("batch", .number(d.batch)), ("place", .string(d.place)),
                    ("restored_epoch", .number(d.restoredEpoch)),
                ]) } ?? .null),
                ("load_seconds", .number(loadSeconds)),
                ("train_seconds", .number(result.trainSeconds)),
                ("test_loss", test.map { .number($0.loss) } ?? .null),
                ("test_accuracy", test?.accuracy.map { .number($0) } ?? .null),
                ("health", health.json),
                ("saved", saved.map { .string($0) } ?? .null),
            ]))
            return
        }
        if result.stoppedEarly {
            let last = result.epochs.last?.epoch ?? result.bestEpoch
            print("stopped early: no better \(hasValidation ? "validation" : "training") loss for \(plural(last - result.bestEpoch, "epoch")); kept the weights of epoch \(result.bestEpoch)")
        }
        var summary = "trained \(plural(result.epochs.count, "epoch")) in \(String(format: "%.2f", result.trainSeconds)) s"
        if let test {
            summary += "; test loss \(fmt(test.loss, 5))"
            if let a = test.accuracy { summary += ", test accuracy \(String(format: "%.4f", a))" }
            summary += " (\(plural(test.count, "sample")))"
        }
        print(summary)
        printHealth(health)
        if let saved { print("saved the model to \(saved)") }
    }

    private func printHealth(_ health: TrainingHealth) {
        print("health on \(health.samples) training samples:")
        print("  layer  activation      ‖dW‖   dead  saturated  update/weight")
        for l in health.layers {
            let dead = l.deadFraction.map { String(format: "%3.0f%%", $0 * 100) } ?? "   -"
            let saturated = l.saturatedFraction.map { String(format: "%8.0f%%", $0 * 100) } ?? "        -"
            print("  \(pad(String(l.layer), 5))  \(padRight(l.activation.rawValue, 10)) \(pad(fmt(l.gradientNorm, 3), 9))   \(dead)  \(saturated)  \(pad(TrainingHealth.format(l.updateRatio), 13))")
        }
        for w in health.warnings { print("  warning: \(w)") }
    }

    private func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
