import ArgumentParser
import Backprop
import Foundation

/// The shape of a network to train: layer sizes, activations, output, loss. Every default is
/// the plan's (``TrainingPlan``); these options only override it.
struct NetworkOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Layer sizes from inputs to outputs, e.g. 784,128,10 (default: inputs,32,outputs).", valueName: "sizes"))
    var layers: String?

    @Option(help: ArgumentHelp("Hidden-layer activation, or one per hidden layer separated by commas: sigmoid, tanh, relu, leaky-relu, identity (default: \(TrainingPlan.defaults.activations[0].rawValue)).", valueName: "activation"))
    var activation: String?

    @Option(name: .customLong("output"), help: ArgumentHelp("Output activation (default: softmax for classes, sigmoid for one class output, identity for regression).", valueName: "activation"))
    var outputActivation: Activation?

    @Option(help: "Loss (default: softmax-cross-entropy after softmax, binary-cross-entropy after sigmoid for classes, else squared-error).")
    var loss: Loss?

    @Option(help: "How losses combine over a batch (default: \(TrainingPlan.defaults.reduction.rawValue)).")
    var reduction: Reduction?

    @Option(name: .customLong("init"), help: "Weight initialisation (default: he for relu layers, xavier otherwise).")
    var initializer: Initializer?

    @Option(parsing: .unconditional, help: "Dropout p on every hidden layer in training steps: each hidden output is dropped with probability p, the rest scaled by 1/(1−p) (default: 0).")
    var dropout: Double?

    @Option(help: ArgumentHelp("Input features computed from 2-D data's x1, x2 before scaling, comma-separated: \(InputFeature.allCases.map(\.rawValue).joined(separator: ", ")); saved in the model, so predict, evaluate and plot take raw x1, x2 (default: the data's columns).", valueName: "list"))
    var features: String?

    /// The options given, over `plan`. Only the text is checked here; the plan checks the rest.
    func apply(to plan: inout TrainingPlan) throws {
        if let layers {
            let sizes = layers.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard sizes.allSatisfy({ $0 != nil }) else {
                throw ValidationError("--layers \(layers): expected 2 or more positive whole numbers separated by commas, e.g. 784,128,10")
            }
            plan.layers = sizes.compactMap { $0 }
        }
        if let activation {
            plan.activations = try activation.split(separator: ",", omittingEmptySubsequences: false).map {
                guard let a = Activation(rawValue: String($0).trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--activation \(activation): '\($0)' is not one of \(Activation.allValueStrings.joined(separator: ", "))")
                }
                return a
            }
        }
        if let outputActivation { plan.output = outputActivation }
        if let loss { plan.loss = loss }
        if let reduction { plan.reduction = reduction }
        if let initializer { plan.initializer = initializer }
        if let dropout { plan.dropout = dropout }
        if let features {
            do { plan.features = try InputFeature.list(features) } catch { throw error.usage }
        }
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
    let parameters = TrainingPlan.parameters(sizes: sizes)
    guard parameters <= maxParameters else {
        throw ValidationError("--layers \(text) has \(String(format: "%.0f", parameters)) parameters; \(limit)")
    }
    return sizes
}
