import Foundation
import Testing
@testable import Backprop

/// Ticks, big step pictures, regression boundaries, labels: what a user sees in the pictures.
@Suite("Pictures: nice ticks, big step diagrams, regression legends, labels")
struct PicturePolishTests {
    @Test("ticks fall on 1-2-5 steps, whole epochs, never below 0 for losses nor above 1 for accuracies")
    func ticks() {
        #expect(LineChart.niceTicks(0, 303, integer: true) == [0, 100, 200, 300])
        #expect(LineChart.niceTicks(1, 4, integer: true) == [1, 2, 3, 4])
        #expect(LineChart.niceTicks(0.71, 0.74) == [0.71, 0.72, 0.73, 0.74].map { ($0 * 100).rounded() / 100 } || LineChart.niceTicks(0.71, 0.74).count >= 3)
        for t in LineChart.niceTicks(0, 1.3) { #expect((t * 10).rounded() / 10 == t || (t * 5).rounded() / 5 == t) }
        var chart = LineChart(title: "loss", yLabel: "loss", series: [.init(name: "train", color: "#000", points: (1...151).map { (Double($0), 1 / Double($0)) })])
        #expect(chart.ranges.y.lowerBound >= 0)
        var svg = chart.svg().rendered
        for bad in [">75.75<", ">150.5<", ">-0."] { #expect(!svg.contains(bad), "\(bad)") }
        chart = LineChart(title: "accuracy", yLabel: "accuracy", series: [.init(name: "train", color: "#000", points: [(1, 0.5), (2, 0.99), (3, 1)])])
        chart.maxY = 1
        #expect(chart.ranges.y.upperBound == 1)
        svg = chart.svg().rendered
        #expect(!svg.contains(">1.02<") && !svg.contains(">1.024<"))
    }

    /// Tick labels skip `String(format:)` when the short decimal is the same text: checked
    /// against `String(format:)` itself on the ticks of many ranges and on awkward values.
    @Test("tick labels are exactly %.3g / %.4g / %.1e, with or without the fast path")
    func tickLabelsAreThePrintfOnes() {
        func printf(_ v: Double) -> String {
            let a = abs(v)
            if a != 0 && (a < 0.001 || a >= 100_000) { return String(format: "%.1e", v) }
            return String(format: a < 1 ? "%.3g" : "%.4g", v)
        }
        var values: [Double] = [0, -0.0, 0.5, -0.25, 0.125, 0.0125, 0.001, 0.00099, 1, 2.5, 12.5, 123.5, 1234.5, 9999,
                                9999.5, 10_000, 12_000, 99_999, 100_000, 0.1 + 0.2, 1 / 3, 2e-7, -3.75, 0.3333]
        for (low, high) in [(-1.7, 2.3), (0, 1), (0.71, 0.74), (0, 303), (-40, 12_000), (0.0002, 0.0009), (-5e5, 5e5), (1.5, 1.51)] {
            values += LineChart.niceTicks(low, high)
        }
        for v in values { #expect(LineChart.tick(v) == printf(v), "\(v)") }
    }

    @Test("a step picture of a network too big to annotate still draws it, with its loss line inside and a note")
    func bigStep() throws {
        let net = Network<Double>(sizes: [2, 8, 8, 2], activation: .tanh, output: .softmax, seed: 1)
        let trace = StepTrace.record(network: net, input: Matrix([[0.5, -1], [1, 2]]), target: Matrix([[1, 0], [0, 1]]), learningRate: 0.3)
        let svg = NetworkDiagram.svg(network: net, trace: trace)
        let text = svg.rendered
        #expect(text.components(separatedBy: "<line").count - 1 == 2 * 8 + 8 * 8 + 8 * 2)
        #expect(text.contains("too many to write each number here"))
        let height = try #require(text.firstMatch(of: /height="([0-9.]+)"/).map { Double($0.1)! })
        let ys = text.matches(of: /<text[^>]* y="([0-9.]+)"/).map { Double($0.1)! }
        #expect(ys.allSatisfy { $0 < height } && ys.count > 2)
    }

    @Test("a regression's picture: the output from −1 to 1 in the legend, points by their target; labels on the network")
    func regressionBoundary() {
        let set = ToySets.make(.plane, count: 30, noise: 0, seed: 1, as: Float.self)
        let model = ModelFile(network: Network<Float>(sizes: [2, 3, 1], activation: .tanh, output: .identity, seed: 1))
        var style = DecisionBoundary.Style()
        style.resolution = 10
        let text = DecisionBoundary.svg(model: model, points: set.x, targets: .init(set.y, isClassification: false), style: style).rendered
        #expect(text.contains(">output<") && text.contains(">−1<") && !text.contains(">class 0<"))
        var diagram = NetworkDiagram.Style()
        (diagram.inputLabels, diagram.outputLabels, diagram.selected) = (["x1²", "x2²"], ["output"], "w-1-0-1")
        diagram.marks = [[nil, nil], ["dead", nil, nil], [nil]]
        let net = NetworkDiagram.svg(network: model.network, style: diagram).rendered
        #expect(net.contains(">x1²<") && net.contains(">output<") && net.contains("stroke=\"#d62728\"") && net.contains("stroke=\"#111111\""))
    }
}
