import ArgumentParser
import Backprop
import Foundation

struct XORCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xor",
        abstract: "Learn XOR with the tutorial's network: 2-2-1, sigmoid, ½ squared error, gradient descent.",
        discussion: """
            The four rows (0,0)→0, (0,1)→1, (1,0)→1, (1,1)→0 form one batch; every epoch is one \
            gradient-descent step on the loss summed over them, Loss = Σ ½ (a² − y)², exactly as in \
            the tutorial's NumPy code. The first weights and biases are drawn uniform in [0, 1) from \
            --seed, or read from a model file with --init.

            Examples:
              backprop xor
              backprop xor --hidden 3 --lr 1 --epochs 5000 --save xor.json
              backprop xor --init xor.json --epochs 1000 --json
            """
    )

    @Option(parsing: .unconditional, help: "Neurons in the hidden layer (ignored with --init).")
    var hidden: Int?

    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Learning rate η.")
    var learningRate: Double = 0.5

    @Option(parsing: .unconditional, help: "Number of epochs (gradient-descent steps on the 4 rows).")
    var epochs: Int = 10000

    @Option(parsing: .unconditional, help: "Seed of the first weights (ignored with --init).")
    var seed: UInt64 = 42

    @Option(name: .customLong("init"), help: "Start from the weights of this model file instead of a random draw.")
    var initPath: String?

    @Option(name: .customLong("save"), help: "Write the trained model to this file (JSON model format).")
    var savePath: String?

    @Flag(help: "Replace the file at --save whatever it is: a model with a lower loss on XOR (else this run's goes beside it, NAME.worse.json), a checkpoint, another file.")
    var overwrite = false

    @Option(parsing: .unconditional, help: "Print the loss every N epochs (default: 10 lines in all).")
    var printEvery: Int?

    @Option(help: "Compute in float (Float32, the default) or double.")
    var precision: Precision = .float

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let hidden, !(1...10_000).contains(hidden) { throw ValidationError("--hidden must be between 1 and 10000 (got \(hidden))") }
        if hidden != nil && initPath != nil { throw ValidationError("--hidden and --init exclude each other: the model file fixes the network") }
        guard epochs >= 0 && epochs <= TrainingPlan.Limits.epochs else {
            throw ValidationError("--epochs must be between 0 and \(TrainingPlan.Limits.epochs) (got \(epochs))")
        }
        guard learningRate.isFinite && learningRate > 0 else { throw ValidationError("--lr must be a positive number (got \(learningRate))") }
        if let printEvery, printEvery < 1 { throw ValidationError("--print-every must be ≥ 1 (got \(printEvery))") }
        if let savePath { try checkOutputName(savePath, option: "--save", extensions: ["json", "safetensors"], kind: "a model") }
    }

    func run() throws {
        switch precision {
        case .float: try train(Float.self)
        case .double: try train(Double.self)
        }
    }

    private func train<T: Scalar>(_: T.Type) throws {
        var network: Network<T>
        if let initPath {
            network = try readModel(initPath, as: T.self).network
            guard network.inputSize == 2 && network.outputSize == 1 else {
                throw InputError("\(initPath): XOR needs a network with 2 inputs and 1 output; this one is \(shapeName(network.sizes))")
            }
        } else {
            network = Network.tutorial(hidden: hidden ?? 2, seed: seed)
        }
        if let savePath {                                     // before the epochs (up to 10⁸), not after them
            do { try checkWritable(savePath) } catch { throw InputError("--save \(savePath): \(error.reason)") }
            _ = try ModelSave.existing(at: savePath, option: "--save", overwrite: overwrite, as: T.self)    // a model, or nothing
        }
        let (x, y) = ToySets.xor(T.self)
        let every = printEvery ?? max(1, epochs / 10)
        var history: [(epoch: Int, loss: Double)] = []
        if !output.json {
            let start = initPath.map { "weights from \($0)" } ?? "seed \(seed), weights and biases uniform in [0, 1)"
            print("XOR: network \(shapeName(network.sizes)) (\(network.layers.map(\.activation.rawValue).joined(separator: "/"))), "
                  + "\(network.loss.rawValue) \(network.reduction == .sum ? "summed" : "averaged") over 4 rows, "
                  + "gradient descent η = \(learningRate), \(plural(epochs, "epoch")), \(precision.rawValue); \(start)")
        }
        var optimizer = Optimizer.gradientDescent(learningRate: T(learningRate))
        let clock = ContinuousClock()
        let started = clock.now
        var diverged: Int? = nil                                   // the epoch whose loss was NaN or ±∞
        network.train(x, y, epochs: epochs, optimizer: &optimizer) { epoch, loss in
            guard loss.isFinite else { diverged = epoch; return false }
            if epoch == 1 || epoch % every == 0 {
                history.append((epoch, Double(loss)))
                if !output.json { print("epoch \(pad(String(epoch), String(epochs).count))  loss \(fmt(Double(loss), 6))") }
            }
            return true
        }
        let seconds = (clock.now - started).seconds
        let finalLoss = Double(network.lossValue(x, y))
        let nonFinite = network.firstNonFiniteParameter()            // (a saturated sigmoid keeps the loss finite)
        if diverged != nil || !finalLoss.isFinite || nonFinite != nil {
            let place = nonFinite.map { "; \($0) became NaN or infinite" } ?? ""
            writeToStandardError("backprop: training diverged\(diverged.map { " at epoch \($0)" } ?? ""): \(diverged == nil && finalLoss.isFinite ? "a parameter became NaN or infinite" : "the loss became NaN or infinite")\(place). "
                + "Try a lower learning rate (it is \(learningRate))\(savePath.map { "; nothing was saved to \($0)" } ?? "").\n")
            throw ExitCode(3)
        }
        let predictions = network.predict(x).storage.map { Double($0) }
        let learned = zip(predictions, y.storage).allSatisfy { ($0 > 0.5) == ($1 > 0.5) }
        var savedTo = savePath
        if let savePath {
            let (path, warning) = ModelSave.destination(for: savePath, overwrite: overwrite, as: T.self) {
                ModelComparison(network, classes: nil, on: Dataset(x: x, y: y), raw: x, with: $0, samples: "XOR's four rows")
            }
            savedTo = path
            if let warning { writeToStandardError(warning) }
        }
        if let savedTo {
            try saveModel(ModelFile(network: network, metadata: [
                ("trained_by", .string("backprop xor")), ("epochs", .number(epochs)),
                ("learning_rate", .number(learningRate)),
                ("seed", initPath == nil ? .number(seed) : .null),
            ]), to: savedTo)
        }
        if output.json {
            printJSON(.object([
                ("network", .string(shapeName(network.sizes))),
                ("epochs", .number(epochs)),
                ("learning_rate", .number(learningRate)),
                ("seed", initPath == nil ? .number(seed) : .null),
                ("init", initPath.map { .string($0) } ?? .null),
                ("precision", .string(precision.rawValue)),
                ("loss", .number(finalLoss)),
                ("predictions", .array(predictions.map { JSON.number($0) })),
                ("learned", .bool(learned)),
                ("train_seconds", .number(seconds)),
                ("microseconds_per_epoch", .number(epochs > 0 ? seconds * 1e6 / Double(epochs) : 0)),
                ("loss_history", .array(history.map { .array([.number($0.epoch), .number($0.loss)]) })),
                ("saved", savedTo.map { .string($0) } ?? .null),
            ]))
            return
        }
        print("\nloss after training: \(fmt(finalLoss, 6))\n")
        print(" x1  x2 | target | output")
        print("--------+--------+---------")
        for r in 0..<4 {
            print("  \(Int(x[r, 0]))   \(Int(x[r, 1])) |    \(Int(y[r, 0]))   | \(String(format: "%.6f", predictions[r]))")
        }
        print("\nXOR learned: \(learned ? "yes" : "no") (\(learned ? "every" : "not every") output on the right side of 0.5)")
        print("trained \(plural(epochs, "epoch")) in \(String(format: "%.4f", seconds)) s (\(String(format: "%.3f", epochs > 0 ? seconds * 1e6 / Double(epochs) : 0)) µs per epoch)")
        if let savedTo { print("saved the model to \(savedTo)") }
    }
}
