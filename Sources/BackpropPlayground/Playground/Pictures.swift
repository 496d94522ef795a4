import Backprop
import Foundation

/// The pictures the page shows, drawn by the library's SVG plots (the same drawings as
/// `backprop train --plots`), with heatmaps as embedded PNGs so that redrawing them often is cheap.
extension PlaygroundRun {
    /// The decision boundary (or a regression's output) over the training points (white rims)
    /// and, with `showTest`, the test points (dark rims); `highlighted` training points ringed.
    public func boundarySVG(resolution: Int = 48, highlighted: [Int] = []) -> SVG {
        var style = DecisionBoundary.Style()
        (style.resolution, style.size, style.raster, style.discretize) = (resolution, 360, true, settings.discretize)
        (style.title, style.classNames, style.highlighted) = ("epoch \(epochsDone)", train.classNames, highlighted)
        let isClassification = train.isClassification
        return DecisionBoundary.svg(model: model(withTraining: false), points: rawTrain,
                                    targets: .init(train.y, isClassification: isClassification),
                                    testPoints: settings.showTest ? rawTest : nil,
                                    testTargets: settings.showTest ? .init(test.y, isClassification: isClassification) : nil,
                                    style: style)
    }

    /// The model without its `training` section (cheap to make, for pictures).
    func model(withTraining: Bool) -> ModelFile<Float> {
        ModelFile(network: network, classes: train.classNames, features: training.features, preprocessing: preprocessing)
    }

    /// The network: each neuron drawn as its output over the input plane, edges by weight (or
    /// with `edgesByGradient` by the next batch's |dW|), inputs and outputs named, dead and
    /// saturated neurons marked, the selected parameter outlined; edges and neurons clickable
    /// (ids `w-l-j-k`, `n-l-j`).
    /// For the page (`tooltips` false): no `<title>` per edge and neuron — the page shows the
    /// values of ``parametersJSON(marks:)`` instead.
    /// `marks`: ``neuronMarks()``, when the caller has them already.
    public func networkSVG(resolution: Int = 16, selected: String? = nil, tooltips: Bool = true, marks: [[String?]]? = nil) -> SVG {
        let grid = DecisionBoundary.Grid<Float>(covering: [rawTrain, rawTest], resolution: resolution)
        let inputs = model(withTraining: false).prepared(grid.points)
        var style = NetworkDiagram.Style()
        style.maps = NeuronMaps(network: network, inputs: inputs, resolution: resolution)
        style.title = "network \(network.sizes.map(String.init).joined(separator: "-")) — click a weight or a neuron"
        style.clickable = true
        style.selected = selected
        style.inputLabels = (training.features ?? [.x1, .x2]).map(\.label)
        style.outputLabels = train.classNames.map { $0.map { "class \($0)" } } ?? ["output"]
        style.marks = marks ?? neuronMarks()
        style.tooltips = tooltips
        if settings.edgesByGradient { style.edgeMagnitudes = nextGradients() }
        return NetworkDiagram.svg(network: network, style: style)
    }

    /// Hidden neurons that no longer learn, over the training set: a ReLU that is 0 on every
    /// point (dead: its gradient is 0), or a sigmoid or tanh within 1% of its bounds on 90% or
    /// more of the points (saturated: σ' ≈ 0).
    public func neuronMarks() -> [[String?]] {
        var net = network
        net.forward(train.x)
        var marks: [[String?]] = [Array(repeating: nil, count: network.inputSize)]
        for (l, layer) in net.layers.enumerated() {
            let a = layer.a, n = Double(max(a.rows, 1))
            marks.append((0..<layer.outputSize).map { j -> String? in
                guard l < net.layers.count - 1 else { return nil }
                let column = (0..<a.rows).map { Double(a[$0, j]) }
                switch layer.activation {
                case .relu where column.allSatisfy({ $0 == 0 }):
                    return "dead: 0 on every training point, so its gradient is 0"
                case .tanh, .sigmoid:
                    let saturated = Double(column.filter(layer.activation.isSaturated).count) / n
                    return saturated >= 0.9 ? "saturated on \(Int((saturated * 100).rounded()))% of the training points: σ' ≈ 0, it barely learns" : nil
                default: return nil
                }
            })
        }
        return marks
    }

    /// What the page's tooltips show over the network, per layer: `weights` `[j][k]` and `biases`
    /// `[j]` (4 significant digits), the neurons' `marks` (text or null), and with
    /// `edgesByGradient` the next batch's `dW` magnitudes.
    public func parametersJSON(marks: [[String?]]? = nil) -> JSON {
        func rows(_ m: Matrix<Double>) -> JSON { .array((0..<m.rows).map { j in .array(m.row(j).map(Self.significant)) }) }
        var members: [(key: String, value: JSON)] = [
            ("weights", .array(network.layers.map { rows(Matrix<Double>(converting: $0.weights)) })),
            ("biases", .array(network.layers.map { .array($0.biases.map { Self.significant(Double($0)) }) })),
            ("marks", .array((marks ?? neuronMarks()).map { .array($0.map { $0.map(JSON.string) ?? .null }) })),
        ]
        if settings.edgesByGradient { members.append(("gradients", .array(nextGradients().map { rows(Matrix(rows: $0.rows, cols: $0.cols, storage: $0.storage.map(Swift.abs))) }))) }
        return .object(members)
    }

    /// `x` rounded to 4 significant digits, as a JSON number.
    static func significant(_ x: Double) -> JSON {
        guard x != 0, x.isFinite else { return .number("0") }
        let p = Foundation.pow(10, Double(3 - Int(Foundation.log10(Swift.abs(x)).rounded(.down))))
        return .number(((x * p).rounded() / p).description)
    }

    /// `|dW|` of the next step's batch for every layer: where the gradient flows.
    public func nextGradients() -> [Matrix<Double>] {
        let rows = Array(nextBatchIndices)
        var x = Matrix<Float>(rows: rows.count, cols: train.x.cols), y = Matrix<Float>(rows: rows.count, cols: train.y.cols)
        x.gatherRows(of: train.x, rows[...])
        y.gatherRows(of: train.y, rows[...])
        var net = network
        net.forward(x)
        _ = net.computeLoss(target: y)
        net.backward(input: x)
        return net.layers.map { Matrix<Double>(converting: $0.weightGradient) }
    }

    /// Training and test loss after every epoch (at most `maxPoints` points per curve).
    public func lossSVG(maxPoints: Int = 400) -> SVG {
        let every = max(1, (history.count + maxPoints - 1) / maxPoints)
        var shown = stride(from: 0, to: history.count, by: every).map { history[$0] }
        if let last = history.last, shown.last?.epoch != last.epoch { shown.append(last) }
        var chart = LineChart(title: "loss per sample", yLabel: "loss", series: [
            .init(name: "train", color: LineChart.colors[0], points: shown.map { (Double($0.epoch), $0.train) }),
            .init(name: "test", color: LineChart.colors[2], points: shown.map { (Double($0.epoch), $0.test) }),
        ])
        chart.width = 420
        chart.height = 240
        chart.integerX = true
        return chart.svg()
    }

    /// The settings waiting for the end of the epoch, in words.
    public func pendingDescription(_ p: PlaygroundSettings) -> String {
        p.liveChanges(since: settings).map(\.words).joined(separator: ", ") + " when the current epoch (epoch \(epochsDone + 1)) ends (changes take effect between epochs, so that the command line can reproduce them)"
    }
}
