import ArgumentParser
import Backprop

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a model between Backprop's JSON format and .safetensors.",
        discussion: """
            The formats come from the extensions: .json or .safetensors. A .safetensors file holds \
            the tensors layers.{i}.weight (out, in) and layers.{i}.bias as float32, with the rest of \
            the model (activations, loss, classes, preprocessing) in its metadata, so it converts \
            back to the same model. A checkpoint converts to its model (its training state stays \
            in the checkpoint); the output may not be the input.

            Examples:
              backprop convert iris.json iris.safetensors
              backprop convert iris.safetensors iris-again.json
            """
    )

    @Argument(help: "The model to read.")
    var input: String

    @Argument(help: "The file to write.")
    var output: String

    func validate() throws {
        for path in [input, output] where !(path.lowercased().hasSuffix(".json") || ModelFile<Float>.isSafeTensors(path)) {
            throw ValidationError("\(path): the extension must be .json or .safetensors")
        }
    }

    func run() throws {
        try checkNoCollision(outputs: [("the output", output)], inputs: [("the input", input)])
        let there = try ModelSave.existing(at: output, option: "the output", hasOverwrite: false, as: Float.self)   // a model there, or nothing
        let model = try readModel(input, as: Float.self)
        if let there, !there.hasSameNetwork(as: model) {       // the same model again (a second conversion) is replaced
            throw InputError("the output \(output) holds a model other than \(input)'s (\(shapeName(there.network.sizes))), and would be replaced; name another file, or remove it first")
        }
        try saveModel(model, to: output)
        announceWritten("\(output) (\(shapeName(model.network.sizes)), \(model.network.parameterCount) parameters)")
        if !ModelFile<Float>.isSafeTensors(input), Checkpoint<Float>.isCheckpoint(contentsOf: input) {      // said, not silently dropped
            writeToStandardError("backprop: warning: \(input) is a checkpoint; \(output) has its model, not its training state (epochs done, the optimizer's moments): resume from \(input)\n")
        }
    }
}

extension ModelFile where T == Float {
    /// The same network (sizes, activations, every weight and bias), classes and preprocessing:
    /// what a conversion of the same model writes again.
    func hasSameNetwork(as other: ModelFile<Float>) -> Bool {
        network.sizes == other.network.sizes
            && network.layers.map(\.activation) == other.network.layers.map(\.activation)
            && network.layers.map(\.weights) == other.network.layers.map(\.weights)
            && network.layers.map(\.biases) == other.network.layers.map(\.biases)
            && classes == other.classes && preprocessing == other.preprocessing
    }
}
