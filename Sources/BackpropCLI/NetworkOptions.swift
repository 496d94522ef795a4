import ArgumentParser
import Backprop

/// The shape of a network to train: layer sizes and activations.
struct NetworkOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Layer sizes from inputs to outputs, e.g. 784,128,10 (default: inputs,32,outputs).", valueName: "sizes"))
    var layers: String?

    @Option(help: ArgumentHelp("Hidden-layer activation, or one per hidden layer separated by commas: sigmoid, tanh, relu, leaky-relu, identity.", valueName: "activation"))
    var activation: String = "relu"

    @Option(name: .customLong("output"), help: ArgumentHelp("Output activation (default: softmax for classes, sigmoid for one class output, identity for regression).", valueName: "activation"))
    var outputActivation: Activation?

    @Option(help: "Loss (default: softmax-cross-entropy after softmax, binary-cross-entropy after sigmoid for classes, else squared-error).")
    var loss: Loss?

    @Option(help: "How losses combine over a batch.")
    var reduction: Reduction = .mean

    @Option(name: .customLong("init"), help: "Weight initialisation (default: he for relu layers, xavier otherwise).")
    var initializer: Initializer?

    /// The parsed --layers, or nil.
    func sizes() throws -> [Int]? {
        try layers.map { try parseLayerSizes($0, example: "784,128,10", maxParameters: 1e9, limit: "Backprop trains networks of up to 1,000,000,000") }
    }

    func hiddenActivations() throws -> [Activation] {
        try activation.split(separator: ",").map {
            guard let a = Activation(rawValue: String($0).trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--activation \(activation): '\($0)' is not one of \(Activation.allValueStrings.joined(separator: ", "))")
            }
            return a
        }
    }

    func validateNetwork() throws {
        let hidden = try hiddenActivations()
        if let sizes = try sizes(), hidden.count != 1 && hidden.count != sizes.count - 2 {
            throw ValidationError("--activation gives \(hidden.count) activations for \(sizes.count - 2) hidden layers (give one, or one per hidden layer)")
        }
    }

    /// A network for `data`, drawn from `seed`.
    func network(for data: Dataset<Float>, seed: UInt64) throws -> Network<Float> {
        let sizes = try sizes() ?? [data.features, 32, data.outputs]
        guard sizes.first == data.features && sizes.last == data.outputs else {
            let what = data.isClassification ? "\(data.outputs) classes" : "\(data.outputs) target column\(data.outputs == 1 ? "" : "s")"
            throw InputError("--layers \(shapeName(sizes)) does not fit the data: it has \(data.features) features and \(what), so --layers must start with \(data.features) and end with \(data.outputs) (e.g. \(data.features),32,\(data.outputs))")
        }
        var hidden = try hiddenActivations()
        if hidden.count == 1 { hidden = Array(repeating: hidden[0], count: sizes.count - 2) }
        let output = outputActivation ?? (data.isClassification ? (data.outputs == 1 ? .sigmoid : .softmax) : .identity)
        let loss = self.loss ?? (output == .softmax ? .softmaxCrossEntropy : output == .sigmoid && data.isClassification ? .binaryCrossEntropy : .squaredError)
        if let problem = loss.problem(outputActivation: output, outputs: sizes.last!) { throw InputError(problem) }
        return Network(activations: hidden + [output], sizes: sizes, loss: loss, reduction: reduction,
                       initializer: initializer, seed: seed)
    }
}

/// A `--layers` list such as `784,128,10`: at least two positive sizes, and at most
/// `maxParameters` weights and biases in all (`limit` says why, in the message).
func parseLayerSizes(_ text: String, example: String, maxParameters: Double, limit: String) throws -> [Int] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count >= 2, parts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
        throw ValidationError("--layers \(text): expected 2 or more positive whole numbers separated by commas, e.g. \(example)")
    }
    let sizes = parts.map { $0! }
    let parameters = zip(sizes, sizes.dropFirst()).reduce(0.0) { $0 + Double($1.0 + 1) * Double($1.1) }
    guard parameters <= maxParameters else {
        throw ValidationError("--layers \(text) has \(Int(parameters)) parameters; \(limit)")
    }
    return sizes
}
