import ArgumentParser
import Backprop
import Foundation

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a saved model: its network diagram, and its decision boundary over 2-D data.",
        discussion: """
            Writes network.svg (neurons, and every weight as an edge coloured by sign and as wide as \
            it is large) and, when the model has 2 inputs and --data is given, boundary.svg (the \
            model's output over the plane, the data's points on top).

            Examples:
              backprop plot --model spiral.json --data spiral --out pictures
              backprop plot --model xor.json    # xor.json: see backprop xor --help
            """
    )

    @Option(help: "The model file (.json or .safetensors).")
    var model: String

    @Option(help: ArgumentHelp("2-D data to draw the boundary over: xor, circles, spiral, gaussians, plane, multi-gaussian or a CSV file.", valueName: "source"))
    var data: String?

    @OptionGroup var toy: ToySetOptions

    @Option(parsing: .unconditional, help: "Seed of a generated set (the one used to train, to see the same points).")
    var seed: UInt64 = 1

    @Option(help: "Folder to write the pictures to.")
    var out: String = "."

    /// The plan of the data to draw over (its defaults and checks are the plan's).
    var dataPlan: TrainingPlan {
        var plan = TrainingPlan(data: data ?? "spiral")
        toy.apply(to: &plan)
        plan.seed = seed
        return plan
    }

    func validate() throws {
        do { try dataPlan.validate() } catch { throw error.usage }
    }

    func run() throws {
        let names = ["network.svg"] + (data == nil ? [] : ["boundary.svg"])      // no picture may land on --model or --data
        try checkNoCollision(outputs: [("--out", out)] + names.map { ("--out", path($0, in: out)) }, inputs: [("--model", model), ("--data", data)])
        let file = try readModel(model, as: Float.self)
        let boundary = try data.map { try boundarySVG(file, data: $0) }       // every check before any file is written
        var style = NetworkDiagram.Style()
        (style.title, style.outputLabels) = ("\(model): \(shapeName(file.network.sizes))", file.classes)
        var pictures = [("network.svg", NetworkDiagram.svg(network: file.network, style: style))]
        if let boundary { pictures.append(("boundary.svg", boundary)) }
        _ = try writePictures(pictures, to: out, option: "--out")              // each announced on stderr
    }

    /// The decision boundary of `file` over `data`'s points, or why there is none.
    func boundarySVG(_ file: ModelFile<Float>, data: String) throws -> SVG {
        let points: Dataset<Float>
        do {
            points = try dataPlan.dataSource().load(as: Float.self, testSplit: false).train
        } catch { throw InputError("\(error)") }
        guard file.inputSize == 2, points.features == 2, points.isClassification == (file.classes != nil || file.network.outputSize > 1 || file.network.layers.last?.activation == .sigmoid) else {
            throw InputError("a decision boundary needs a model with 2 inputs and 2-D data of its kind (classes or numbers); \(model) takes \(file.inputSize) inputs\(file.classes == nil ? " and predicts numbers" : ""), \(data) has \(points.features) features\(points.isClassification ? " and classes" : " and numeric targets")")
        }
        let outputs = file.predict(points.x)                                 // a blank picture is no answer
        if let r = (0..<outputs.rows).first(where: { r in outputs.row(r).contains { !$0.isFinite } }) {
            throw InputError("\(model) gives a non-finite output on \(data), row \(r + 1): its weights or the data are out of range, and there is no boundary to draw")
        }
        var style = DecisionBoundary.Style()
        (style.title, style.classNames) = ("\(model) on \(data)", file.classes)
        return DecisionBoundary.svg(model: file, points: points.x, targets: .init(points.y, isClassification: points.isClassification), style: style)
    }
}
