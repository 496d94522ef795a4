import Backprop

/// The pictures the page shows, drawn by the library's SVG plots (the same drawings as
/// `backprop train --plots`), with heatmaps as embedded PNGs so that redrawing them often is cheap.
extension PlaygroundRun {
    /// The decision boundary over the training points (white rims) and test points (dark rims).
    public func boundarySVG(resolution: Int = 60) -> SVG {
        DecisionBoundary.svg(model: ModelFile(network: network, preprocessing: preprocessing), points: rawTrain,
                             labels: train.labels, testPoints: rawTest, testLabels: test.labels,
                             resolution: resolution, size: 360, title: "epoch \(epochsDone)", raster: true)
    }

    /// The network: each neuron drawn as its output over the input plane, edges by weight sign
    /// and size, edges and neurons clickable (ids `w-l-j-k`, `n-l-j`).
    public func networkSVG(resolution: Int = 20) -> SVG {
        let grid = DecisionBoundary.Grid<Float>(covering: [rawTrain, rawTest], resolution: resolution)
        var inputs = grid.points
        preprocessing?.apply(to: &inputs)
        let maps = NeuronMaps(network: network, inputs: inputs, resolution: resolution)
        let sizes = network.sizes.map(String.init).joined(separator: "-")
        return NetworkDiagram.svg(network: network, title: "network \(sizes) — click a weight or a neuron", maps: maps, clickable: true)
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
        return chart.svg()
    }
}
