import ArgumentParser
import Foundation
import Backprop

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show one training step hand by hand: every z, a, δ, dW and update, with numbers.",
        discussion: """
            Runs one training step in double precision and prints each number of the \
            chain rule in the tutorial's terms: forward (z = W a_prev + b, a = σ(z)), the loss, \
            then for each layer from the output down dLoss/da, da/dz = σ'(z), δ = dLoss/da ⊙ σ'(z), \
            dz/dW = a_prev, dLoss/dW = δ a_prevᵀ, dLoss/db = δ, the updated weights and biases, and \
            the loss after the step.

            The update is plain gradient descent unless --optimizer says otherwise; --state reads \
            an optimizer's state (momentum's v, Adam's m, v and step count) from a checkpoint, so \
            the step is the one training would take next. With --parameter, the optimizer's rule \
            is shown with its numbers.

            Without --model it explains the first step of `backprop xor` (the 2-2-1 network drawn \
            from --seed, on the four XOR rows). Repeat --input/--target for a batch of several \
            samples; the gradients are then summed over the batch (or averaged, if the model's \
            reduction is mean).

            Examples:
              backprop explain
              backprop explain --model examples/step-by-step.json \\
                  --input 0.05,0.1 --target 0.01,0.99 --lr 0.5
              backprop explain --json > step.json
              backprop explain --svg step.svg     # the diagram, with the numbers on it
              backprop explain --parameter 2,0,1  # the chain of the weight W²[0][1]
              backprop explain --optimizer momentum --l1 0.01 --parameter 2,0,1
              backprop explain --model ck.json --state ck.json \\
                  --input 0.5,-1 --target 1,0     # ck.json: see backprop train --help
            """
    )

    @Option(help: "Model file to explain (default: the XOR network of --seed).")
    var model: String?

    @Option(parsing: .unconditionalSingleValue, help: "One sample's inputs to the network, comma-separated (after a model's features and scaling; repeat for a batch; may start with a minus sign). Default: the 4 XOR rows.")
    var input: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: "That sample's targets, comma-separated (one --target per --input).")
    var target: [String] = []

    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Learning rate η (default: the --state checkpoint's, else 0.5).")
    var learningRate: Double?

    @Option(help: "Update rule: sgd, momentum, nesterov or adam (default: the --state checkpoint's, else sgd).")
    var optimizer: Optimizer<Double>.Kind?

    @Option(parsing: .unconditional, help: "μ for momentum and nesterov (default: the --state checkpoint's, else 0.9).")
    var momentum: Double?

    @Option(parsing: .unconditional, help: "λ: L2 weight decay (sgd, momentum, nesterov) or decoupled weight decay (adam), on weights (default: the --state checkpoint's, else 0).")
    var weightDecay: Double?

    @Option(parsing: .unconditional, help: "λ₁: L1 regularisation on weights (default: the --state checkpoint's, else 0).")
    var l1: Double?

    @Option(parsing: .unconditional, help: "Dropout p on the hidden layers: the step's masks are drawn as training draws them (seed: the --state checkpoint's run, else --seed), shown as m, and applied (default: the --state checkpoint's, else 0).")
    var dropout: Double?

    @Option(help: ArgumentHelp("A checkpoint whose optimizer state (kind, η, step count, moments) the step continues from; its network must match the model's.", valueName: "checkpoint.json"))
    var state: String?

    @Option(parsing: .unconditional, help: "Seed of the XOR network (without --model).")
    var seed: UInt64 = 42

    @Option(name: .customLong("svg"), help: "Also write the network diagram annotated with this step's z, a, δ and dW here.")
    var svgPath: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Explain one parameter only: L,J,K for the weight W^L[J][K] (layer L from 1, into neuron J from neuron K, both from 0), or L,J for the bias b^L[J].", valueName: "L,J[,K]"))
    var parameter: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard input.count == target.count else {
            throw ValidationError("give one --target per --input (got \(input.count) --input and \(target.count) --target)")
        }
        if let learningRate, !(learningRate.isFinite && learningRate > 0) { throw ValidationError("--lr must be a positive number (got \(learningRate))") }
        if let momentum, !(momentum >= 0 && momentum < 1) { throw ValidationError("--momentum must be in [0, 1) (got \(momentum))") }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) { throw ValidationError("--weight-decay must be 0 or more (got \(weightDecay))") }
        if let l1, !(l1 >= 0 && l1.isFinite) { throw ValidationError("--l1 must be 0 or more (got \(l1))") }
        if let dropout, !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1) (got \(dropout))") }
        if let svgPath { try checkOutputName(svgPath, option: "--svg", extensions: ["svg"], kind: "the diagram (SVG)") }
        _ = try samples()
        _ = try parameterIndex()
    }

    /// The parsed --parameter: 1-based layer, neuron, and the source neuron (nil for a bias).
    private func parameterIndex() throws -> (layer: Int, neuron: Int, from: Int?)? {
        guard let parameter else { return nil }
        let parts = parameter.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }), parts[0]! >= 1, parts.dropFirst().allSatisfy({ $0! >= 0 }) else {
            throw ValidationError("--parameter \(parameter): expected L,J,K for a weight or L,J for a bias (layer from 1, neurons from 0), e.g. 2,0,1")
        }
        return (parts[0]!, parts[1]!, parts.count == 3 ? parts[2]! : nil)
    }

    /// The `--input`/`--target` rows, or nil for the default XOR batch.
    private func samples() throws -> (x: [[Double]], y: [[Double]])? {
        guard !input.isEmpty else { return nil }
        let x = try input.map { try parseNumbers($0, option: "--input") }
        let y = try target.map { try parseNumbers($0, option: "--target") }
        if let bad = x.firstIndex(where: { $0.count != x[0].count }) {
            throw ValidationError("every --input needs the same length: input 1 has \(plural(x[0].count, "number")), input \(bad + 1) has \(x[bad].count)")
        }
        if let bad = y.firstIndex(where: { $0.count != y[0].count }) {
            throw ValidationError("every --target needs the same length: target 1 has \(plural(y[0].count, "number")), target \(bad + 1) has \(y[bad].count)")
        }
        return (x, y)
    }

    func run() throws {
        if let svgPath { try checkNoCollision(outputs: [("--svg", svgPath)], inputs: [("--model", model)]) }
        let file = try model.map { try readModel($0, as: Double.self) }
        let network = file?.network ?? Network.tutorial(seed: seed)
        let (x, y) = try batch(for: network)
        let (optimizer, masks) = try makeOptimizer(for: network)
        let trace = StepTrace.record(network: network, input: x, target: y, optimizer: optimizer, dropout: masks)
        if let place = trace.firstNonFinite() {
            throw InputError("the step overflows: \(place) is NaN or infinite (in Double); smaller inputs, targets, weights or optimizer settings keep it finite")
        }
        let chain = try chosenChain(trace, network: network)
        if let svgPath {
            try write(Array(NetworkDiagram.svg(network: network, trace: trace).rendered.utf8), to: svgPath)
        }
        if let note = file.flatMap(inputNote) { writeToStandardError(note) }      // after every error: an error is one line
        if let chain {
            output.json ? printJSON(chain.json) : print(chain.text)
        } else {
            output.json ? printJSON(trace.json) : print(trace.text(source: model.map { "model \($0)" } ?? "XOR network, seed \(seed)"))
        }
    }

    /// The step is the network's: its inputs are what the network takes, after the model's
    /// features and scaling (as the playground's exported command gives them). Said once.
    private func inputNote(_ file: ModelFile<Double>) -> String? {
        guard !input.isEmpty, file.preprocessing != nil || file.features != nil else { return nil }
        let what = [file.features.map { _ in "input features" }, file.preprocessing.map { "\($0.kind.rawValue) scaling" }].compactMap { $0 }
        return "note: --input is taken as the network's input: \(model ?? "")'s \(what.joined(separator: " and ")) \(what.count == 1 ? "is" : "are") not applied to it\n"
    }

    /// The optimizer of the step: --state's (kind, settings, moments, steps), the options over
    /// it; and the dropout of the step (its rate and seed: --state's run's, or --seed's).
    private func makeOptimizer(for network: Network<Double>) throws -> (Optimizer<Double>, (rate: Double, seed: UInt64)?) {
        var o = Optimizer<Double>.gradientDescent(learningRate: 0.5)
        var masks = (rate: dropout ?? 0, seed: TrainingSeeds(seed).dropout)
        if let state {
            let checkpoint: Checkpoint<Double>
            do { checkpoint = try Checkpoint<Double>(contentsOf: state) } catch {
                if case .unreadable = error { throw InputError("--state \(error)") }
                throw InputError("--state \(state): \(error)")
            }
            guard checkpoint.model.network.sizes == network.sizes else {
                throw InputError("--state \(state) holds the optimizer of a \(shapeName(checkpoint.model.network.sizes)) network; \(source) is \(shapeName(network.sizes))")
            }
            o = checkpoint.optimizer
            if let plan = try? checkpoint.plan { masks = (dropout ?? plan.dropout, plan.seeds.dropout) }
        }
        if let optimizer, optimizer != o.kind {
            if state != nil { throw ValidationError("--state \(state!) holds \(o.kind.rawValue)'s state; leave out --optimizer \(optimizer.rawValue), or --state") }
            o.kind = optimizer
        }
        if let learningRate { o.learningRate = learningRate }
        if let momentum { o.momentum = momentum }
        if let weightDecay { o.weightDecay = weightDecay }
        if let l1 { o.l1 = l1 }
        return (o, masks.rate > 0 ? masks : nil)
    }

    /// The batch to explain: --input/--target, or the four XOR rows; checked against the network.
    private func batch(for network: Network<Double>) throws -> (x: Matrix<Double>, y: Matrix<Double>) {
        var (x, y) = ToySets.xor(Double.self)
        if let (xs, ys) = try samples() {
            (x, y) = (Matrix(xs), Matrix(ys))
        } else if let model, network.inputSize != 2 || network.outputSize != 1 {
            throw InputError("\(model): the default XOR rows need 2 inputs and 1 output, this network is \(shapeName(network.sizes)); give --input and --target")
        }
        guard x.cols == network.inputSize else {
            throw InputError("--input has \(plural(x.cols, "number")) per sample, but \(source) takes \(plural(network.inputSize, "input"))")
        }
        guard y.cols == network.outputSize else {
            throw InputError("--target has \(plural(y.cols, "number")) per sample, but \(source) has \(plural(network.outputSize, "output"))")
        }
        for s in 0..<y.rows { if let problem = network.loss.targetProblem(y.row(s)) { throw InputError("--target\(y.rows > 1 ? " \(s + 1)" : ""): \(problem)") } }
        return (x, y)
    }

    private var source: String { model ?? "the network of --seed" }

    /// With --parameter, that parameter's chain rule (nil: the whole step is shown).
    private func chosenChain(_ trace: StepTrace, network: Network<Double>) throws -> ParameterChain? {
        guard let (l, j, k) = try parameterIndex() else { return nil }
        guard let chain = trace.chain(layer: l, neuron: j, from: k) else {
            let sizes = network.sizes
            throw InputError("--parameter \(parameter ?? ""): \(source) (\(shapeName(sizes))) has no such parameter; layers are 1…\(sizes.count - 1)"
                             + (l >= 1 && l < sizes.count ? ", layer \(l) has neurons 0…\(sizes[l] - 1) and inputs 0…\(sizes[l - 1] - 1)" : ""))
        }
        return chain
    }
}
