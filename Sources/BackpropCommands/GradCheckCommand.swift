import ArgumentParser
import Backprop
import Foundation

struct GradCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradcheck",
        abstract: "Compare every backprop gradient with finite differences, in double precision.",
        discussion: """
            For every weight and bias p, the analytic dLoss/dp from backprop is compared with the \
            central difference [−L(p+2h) + 8L(p+h) − 8L(p−h) + L(p−2h)] / 12h on a batch of random \
            samples (inputs uniform in [−1, 1), targets uniform in [0, 1), scaled to sum to 1 for softmax-cross-entropy). The error is \
            |analytic − numeric| / max(|analytic|, |numeric|, 1e-5); parameters whose ±2h moves a ReLU \
            across its kink at z = 0 are left out and counted. Prints the largest error per \
            weight matrix and bias vector and names the worst single parameter.

            Exit status: 0 when every error is within --tolerance, 2 when one is not, 1 for bad input.

            Examples:
              backprop gradcheck --layers 2,3,2 --activation tanh
              backprop gradcheck --model examples/step-by-step.json
              backprop gradcheck --all   # every activation × output × loss × reduction
            """
    )

    @Option(parsing: .unconditional, help: "Layer sizes of a random network, e.g. 2,3,2.")
    var layers: String = "2,3,2"

    @Option(help: "Hidden-layer activation.")
    var activation: Activation = .sigmoid

    @Option(name: .customLong("output"), help: "Output-layer activation.")
    var outputActivation: Activation = .sigmoid

    @Option(help: "Loss function.")
    var loss: Loss = .squaredError

    @Option(help: "How losses combine over the batch.")
    var reduction: Reduction = .sum

    @Option(help: "Check the network of this model file instead of a random one.")
    var model: String?

    @Option(parsing: .unconditional, help: "Number of random samples in the batch.")
    var samples: Int = 4

    @Option(parsing: .unconditional, help: "Seed of the random network and samples.")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Largest relative error that passes.")
    var tolerance: Double = 1e-6

    @Flag(help: "Check every combination of hidden activation, output activation, loss and reduction.")
    var all = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try sizes()
        guard (1...10_000).contains(samples) else { throw ValidationError("--samples must be between 1 and 10000 (got \(samples))") }
        guard tolerance > 0 && tolerance.isFinite else { throw ValidationError("--tolerance must be a positive number (got \(tolerance))") }
        if !all && model == nil, let problem = loss.problem(outputActivation: outputActivation, outputs: try sizes().last!) {
            throw ValidationError(problem)
        }
        if all && model != nil { throw ValidationError("--all checks random networks; it does not take --model") }
        if model == nil, let problem = tooMuch(sizes: try sizes(), networks: combos(outputs: try sizes().last!).count) {
            throw ValidationError(problem)
        }
    }

    /// The most multiply-adds a check may take: 4 forward passes of the batch per parameter, so
    /// parameters × samples × (multiply-adds of a sample's forward pass) × 4, over all networks.
    /// 2·10¹¹ is 100,000 parameters on 4 samples, about 20 s here; a 784-512-256-10 model took
    /// hours, unannounced.
    static let maximumWork = 2e11

    /// Why checking `networks` networks of `sizes` would take too long, or nil.
    private func tooMuch(sizes: [Int], networks: Int) -> String? {
        let parameters = TrainingPlan.parameters(sizes: sizes)
        let work = 4 * parameters * Double(samples) * TrainingPlan.multiplyAdds(sizes: sizes) * Double(networks)
        guard work > Self.maximumWork else { return nil }
        let what = "\(String(format: "%.0f", parameters)) parameters\(networks > 1 ? " in each of \(networks) networks" : "") on \(plural(samples, "sample"))"
        return "checking \(what) takes about \(String(format: "%.1e", work)) multiply-adds (4 forward passes per parameter), more than the "
            + "\(String(format: "%.0e", Self.maximumWork)) gradcheck does (about 20 s here); check a smaller network\(samples > 1 ? ", fewer --samples" : "")\(networks > 1 ? " or leave out --all" : "")"
    }

    private func sizes() throws -> [Int] {
        try parseLayerSizes(layers, example: "2,3,2", maxParameters: 100_000,
                            limit: "gradcheck runs 4 forward passes per parameter, so it takes up to 100,000")
    }

    func run() throws {
        let cases = try cases()
        if let model, let network = cases.first?.network, let problem = tooMuch(sizes: network.sizes, networks: 1) {
            throw InputError("\(model): \(problem)")
        }
        let reports = cases.map { name, network in (name: name, check: check(network)) }
        if let overflowed = reports.first(where: { $0.check.worst.maxRelativeError.isNaN }) {
            throw InputError("\(overflowed.name): \(overflowed.check.worst.worstName)'s gradient is NaN or infinite (the network overflows Double on these samples); there is nothing to compare")
        }
        let worst = reports.map(\.check.worst.maxRelativeError).max() ?? 0
        if let blind = reports.first(where: { $0.check.unresolved > 0 && $0.check.compared == 0 }) {
            throw InputError("\(blind.name): cannot check: at every parameter rounding in Double could account for the difference (\(plural(blind.check.unresolved, "parameter"))): the weights or the loss are too large for finite differences with h = \(blind.check.step)")
        }
        if output.json { printJSON(json(reports, worst: worst)) } else { printText(reports, worst: worst) }
        if worst > tolerance { throw ExitCode(2) }
    }

    /// The networks to check: --model's, or one random network (every valid combination with --all).
    private func cases() throws -> [(name: String, network: Network<Double>)] {
        if let model { return [("model \(model)", try readModel(model, as: Double.self).network)] }
        let sizes = try sizes()
        return combos(outputs: sizes[sizes.count - 1]).map { h, o, l, r in
            ("\(shapeName(sizes)) \(h.rawValue)/\(o.rawValue) \(l.rawValue) \(r.rawValue)",
             Network(sizes: sizes, activation: h, output: o, loss: l, reduction: r, seed: seed))
        }
    }

    /// The settings of the random networks: the options', or with --all every valid combination.
    private func combos(outputs: Int) -> [(Activation, Activation, Loss, Reduction)] {
        all ? Activation.allCases.flatMap { h in Activation.allCases.flatMap { o in Loss.allCases.flatMap { l in
                Reduction.allCases.compactMap { r in l.problem(outputActivation: o, outputs: outputs) == nil ? (h, o, l, r) : nil } } } }
            : [(activation, outputActivation, loss, reduction)]
    }

    /// The check of one network on random samples (and, for a random network, random biases).
    private func check(_ network: Network<Double>) -> GradientCheck {
        var network = network
        var rng = SeededGenerator(seed: seed &+ 1)
        if model == nil {   // random biases too, so no ReLU sits exactly on its kink at z = 0
            for l in network.layers.indices {
                network.layers[l].biases = network.layers[l].biases.map { _ in rng.uniform(-0.5, 0.5) }
            }
        }
        let x = Matrix(rows: samples, cols: network.inputSize, storage: (0..<(samples * network.inputSize)).map { _ in rng.uniform(-1, 1) })
        var y = Matrix(rows: samples, cols: network.outputSize, storage: (0..<(samples * network.outputSize)).map { _ in rng.uniform() })
        if network.loss == .softmaxCrossEntropy { y = y.rowsNormalized }   // class probabilities
        return GradientCheck.run(network: network, input: x, target: y)
    }

    private func json(_ reports: [(name: String, check: GradientCheck)], worst: Double) -> JSON {
        .object([
            ("tolerance", .number(tolerance)),
            ("step", .number(reports[0].check.step)),
            ("passed", .bool(worst <= tolerance)),
            ("max_relative_error", .number(worst)),
            ("checks", .array(reports.map { name, check in .object([
                ("network", .string(name)),
                ("max_relative_error", .number(check.worst.maxRelativeError)),
                ("worst_parameter", .string(check.worst.worstName)),
                ("kink_crossings", .number(check.kinkCrossings)), ("unresolved", .number(check.unresolved)),
                ("tensors", .array(check.tensors.map { t in .object([
                    ("tensor", .string(t.name)), ("count", .number(t.count)),
                    ("max_relative_error", .number(t.maxRelativeError)),
                    ("worst_parameter", .string(t.worstName)),
                    ("analytic", .number(t.analytic)), ("numeric", .number(t.numeric)), ("rounding", .number(t.rounding)),
                ]) })),
            ]) })),
        ])
    }

    private func printText(_ reports: [(name: String, check: GradientCheck)], worst: Double) {
        let passed = worst <= tolerance
        print("Gradient check in double precision: \(samples) random samples, seed \(seed), h = \(reports[0].check.step) (fourth-order central differences)")
        print("error = |analytic − numeric| / max(|analytic|, |numeric|, \(reports[0].check.floor))\n")
        for (name, check) in reports {
            if reports.count > 1 {
                print("\(padRight(name, 52)) worst \(fmt(check.worst.maxRelativeError, 2)) at \(check.worst.worstName)")
                continue
            }
            print("network \(name)\n")
            print("tensor      params  max rel. error  worst parameter    analytic          numeric")
            for t in check.tensors {
                print("\(padRight(t.name, 10)) \(pad(String(t.count), 7))  \(padRight(fmt(t.maxRelativeError, 3), 14))  \(padRight(t.worstName, 17))  \(padRight(fmt(t.analytic, 10), 16))  \(fmt(t.numeric, 10))")
            }
            print("\nworst: \(check.worst.worstName), relative error \(fmt(check.worst.maxRelativeError, 3))")
            if check.kinkCrossings > 0 {
                print("left out: \(plural(check.kinkCrossings, "parameter")) whose ±2h moves a ReLU across its kink at z = 0")
            }
            if check.unresolved > 0 {
                print("left out: \(plural(check.unresolved, "parameter")) where rounding in Double could account for the difference (large weights or loss)")
            }
        }
        print("\(passed ? "PASS" : "FAIL"): largest error \(fmt(worst, 3)) \(passed ? "≤" : ">") tolerance \(tolerance)\(reports.count > 1 ? " over \(reports.count) networks" : "")")
        // A failure within twice its own rounding: the tolerance, not the gradient, is what fails.
        if let t = reports.flatMap(\.check.tensors).filter({ $0.maxRelativeError > tolerance && $0.maxRelativeError <= 2 * $0.rounding }).max(by: { $0.rounding < $1.rounding }) {
            print("(rounding alone may account for \(fmt(t.rounding, 2)) at \(t.worstName): finite differences in Double cannot check below that)")
        }
    }
}
