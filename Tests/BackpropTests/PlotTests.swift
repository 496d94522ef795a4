import Foundation
import Testing
@testable import Backprop

@Suite("SVG pictures")
struct PlotTests {
    @Test("numbers and text are written the SVG way")
    func writer() {
        #expect(SVG.number(3) == "3" && SVG.number(2.5) == "2.5" && SVG.number(1.234) == "1.23" && SVG.number(-0.001) == "0")
        #expect(SVG.escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;")
        var svg = SVG(width: 10, height: 5)
        svg.circle(cx: 1, cy: 2, r: 3, fill: "#000000")
        #expect(svg.rendered.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"5\" viewBox=\"0 0 10 5\">"))
        #expect(svg.rendered.contains("<circle cx=\"1\" cy=\"2\" r=\"3\" fill=\"#000000\"/>"))
    }

    /// The number writer writes digits straight into the picture's bytes: the same text as
    /// the plain formula (hundredths rounded to even, trailing zeros dropped), on values from
    /// 10⁻⁴ to 10¹⁸ of both signs, halves, and what is not finite; an empty picture keeps its
    /// blank line.
    @Test("SVG numbers: the written digits are the formula's, everywhere")
    func numbersLikeTheFormula() {
        func formula(_ x: Double) -> String {
            guard x.isFinite else { return "0" }
            let hundredths = (x * 100).rounded(.toNearestOrEven)
            guard abs(hundredths) < 1e15 else { return String(Int64(x.rounded())) }
            let n = Int64(hundredths), whole = abs(n) / 100, fraction = abs(n) % 100
            let sign = n < 0 ? "-" : ""
            if fraction == 0 { return sign + String(whole) }
            return sign + String(whole) + "." + (fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0" : "") + String(fraction))
        }
        var rng = SeededGenerator(seed: 2)
        var values: [Double] = [0, -0.0, 0.005, 0.015, 0.025, -0.005, 0.1, 0.05, 9.995, 99.99, 1e13, -1e13, 1e16, -3e18, 123456789.126]
        for e in -4...18 {
            for _ in 0..<20 { values.append((rng.uniform() * 2 - 1) * pow(10, Double(e))) }
        }
        for v in values { #expect(SVG.number(v) == formula(v), "\(v)") }
        for v in [Double.nan, .infinity, -.infinity, 1e300] { #expect(SVG.number(v) == (v == 1e300 ? "9200000000000000000" : "0")) }
        #expect(SVG(width: 1, height: 1).rendered.hasSuffix(">\n\n</svg>\n"))
    }

    /// Heatmap colours round by truncating v + 0.5 (no call to `round`): the same bytes as
    /// `.rounded()` for every probability on a fine grid, at the heatmaps' and the points' strengths.
    @Test("heatmap colours: the same bytes as rounding half away from zero")
    func colourRounding() {
        func reference(_ p: Double, _ strength: Double) -> (UInt8, UInt8, UInt8) {
            let q = min(max(p.isFinite ? p : 0.5, 0), 1)
            let (from, t): ((Double, Double, Double), Double) = q < 0.5 ? ((245, 147, 34), 1 - 2 * q) : ((8, 119, 189), 2 * q - 1)
            func mix(_ c: Double) -> UInt8 { UInt8((255 + (c - 255) * t * strength).rounded()) }
            return (mix(from.0), mix(from.1), mix(from.2))
        }
        for strength in [0.75, 1, 0.5, 0] {
            for k in 0...20_000 {
                let p = Double(k) / 20_000, a = DecisionBoundary.rgb(probability: p, strength: strength), b = reference(p, strength)
                #expect(a == b, "p \(p), strength \(strength)")
                if a != b { return }
            }
        }
        #expect(DecisionBoundary.rgb(probability: .nan) == reference(.nan, 0.75))
    }

    @Test("line chart: the first point at the left edge, the extremes inside the padded plot, one line per series")
    func lineChart() {
        let chart = LineChart(title: "loss", yLabel: "loss", series: [
            .init(name: "train", color: LineChart.colors[0], points: [(1, 1.0), (2, 0.5), (3, 0.25)]),
            .init(name: "validation", color: LineChart.colors[1], points: [(1, 0.9), (3, 0.3)]),
        ])
        let p = chart.plot
        let first = chart.position(x: 1, y: 1.0), last = chart.position(x: 3, y: 0.25)
        #expect(first.x == p.left && last.x == p.right)
        // y range 0.25…1 padded by 5% of 0.75 on each side.
        #expect(abs(first.y - (p.top + 0.0375 / 0.825 * (p.bottom - p.top))) < 1e-9)
        let text = chart.svg().rendered
        #expect(text.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(text.contains(">validation</text>") && text.contains(">loss</text>"))
        var log = chart
        log.logScale = true
        #expect(abs(log.position(x: 2, y: 0.5).y - (log.position(x: 1, y: 1).y + log.position(x: 3, y: 0.25).y) / 2) < 1e-9)
    }

    @Test("decision boundary colours: orange for class 0, white when undecided, blue for class 1")
    func colors() {
        // 255 + (c − 255)·0.75 for orange (245, 147, 34) and blue (8, 119, 189).
        #expect(DecisionBoundary.color(probability: 0) == "#f8ae59")
        #expect(DecisionBoundary.color(probability: 0.5) == "#ffffff")
        #expect(DecisionBoundary.color(probability: 1) == "#4699ce")
    }

    @Test("decision boundary: the grid follows the model (class 1 right of x = 0), the points on top")
    func boundary() {
        let net = Network<Double>(layers: [Dense(weights: Matrix([[20, 0]]), biases: [0], activation: .sigmoid)],
                                  loss: .binaryCrossEntropy)
        let points = Matrix<Double>([[-1, -1], [1, 1]])
        let text = DecisionBoundary.svg(model: ModelFile(network: net), points: points, labels: [0, 1], resolution: 10).rendered
        let rects = text.components(separatedBy: "\n").filter { $0.hasPrefix("<rect") }
        #expect(rects.count == 1 + 100 + 2)                   // background, cells, the legend's two classes
        #expect(rects[1].contains("fill=\"#f8ae59\""))        // top-left cell: x < 0
        #expect(rects[100].contains("fill=\"#4699ce\""))      // bottom-right cell: x > 0
        #expect(text.components(separatedBy: "<circle").count - 1 == 2 + 1)    // and the legend's "train"
        #expect(text.contains("fill=\"#0877bd\" stroke=\"#ffffff\""))
        for label in [">x1<", ">x2<", ">class 0<", ">class 1<", ">train<", "shade: P(class 1)"] { #expect(text.contains(label), "\(label)") }
        #expect(!text.contains(">test<"))
    }

    @Test("decision boundary of many points: at most maximumPoints drawn, at random over the set, and the picture says so")
    func boundaryThinsPoints() {
        let net = Network<Double>(layers: [Dense(weights: Matrix([[1, 0]]), biases: [0], activation: .sigmoid)], loss: .binaryCrossEntropy)
        let n = 20_000
        let points = Matrix<Double>(rows: n, cols: 2, storage: (0..<(2 * n)).map { Double($0 % 97) })
        var style = DecisionBoundary.Style()
        style.resolution = 4
        let many = DecisionBoundary.svg(model: ModelFile(network: net), points: points, targets: .labels((0..<n).map { $0 % 2 }),
                                        testPoints: Matrix(rows: 3, cols: 2, storage: [0, 0, 1, 1, 2, 2]),
                                        testTargets: .labels([0, 1, 0]), style: style).rendered
        #expect(many.components(separatedBy: "<circle").count - 1 == 5_000 + 3 + 2)     // the 3 test points, the legend's two
        #expect(many.contains("drawn: 5,000 of 20,000 training points") && !many.contains("test points"))
        // classes alternate row by row: both are drawn (every 4th row would have drawn class 0 only)
        let white = many.components(separatedBy: "\n").filter { $0.hasPrefix("<circle") && $0.contains("stroke=\"#ffffff\"") }
        let blue = white.filter { $0.contains("fill=\"#0877bd\"") }.count
        #expect(blue > 2_300 && blue < 2_700, "\(blue) of class 1")
        let rows = DecisionBoundary.pointsDrawn(n, maximum: 5_000)
        #expect(rows.count == 5_000 && rows == rows.sorted() && Set(rows).count == 5_000 && rows.last! < n)
        #expect(rows == DecisionBoundary.pointsDrawn(n, maximum: 5_000), "the same rows every time")
        #expect(rows.filter { $0 >= n / 2 }.count > 2_300, "spread over the set")
        #expect(DecisionBoundary.pointsDrawn(3, maximum: 5_000) == [0, 1, 2] && DecisionBoundary.pointsDrawn(5, maximum: 0) == [])
        let few = DecisionBoundary.svg(model: ModelFile(network: net), points: points.rows(0..<5_000), labels: [Int](repeating: 0, count: 5_000),
                                       resolution: 4).rendered
        #expect(few.components(separatedBy: "<circle").count - 1 == 5_000 + 1)
        #expect(!few.contains("drawn:"))
    }

    @Test("decision boundary axes: ticks at 1-2-5 steps inside the range, not the range's ends")
    func boundaryTicks() {
        let net = Network<Double>(layers: [Dense(weights: Matrix([[1, 0]]), biases: [0], activation: .sigmoid)], loss: .binaryCrossEntropy)
        let points = Matrix<Double>([[-5.4, -0.3], [5.35, 0.72]])
        let text = DecisionBoundary.svg(model: ModelFile(network: net), points: points, labels: [0, 1], resolution: 4).rendered
        let labels = text.components(separatedBy: "\n").filter { $0.hasPrefix("<text") && $0.contains("font-size=\"10\"") }
            .compactMap { $0.split(separator: ">").dropFirst().first?.split(separator: "<").first.map(String.init) }
            .compactMap(Double.init)
        #expect(labels == [-5, 0, 5, 0, 0.5])              // x from −5.4 to 5.35, y from −0.3 to 0.72 (8% more)
        #expect(!text.contains(">-5.4") && !text.contains(">5.35"))
    }
}

@Suite("Network diagram")
struct NetworkDiagramTests {
    @Test("a neuron per circle, an edge per weight coloured by sign, widths by size")
    func plain() {
        var net = Network<Double>.tutorial(seed: 42)
        net.layers[1].weights[0, 1] = -2
        let text = NetworkDiagram.svg(network: net).rendered
        #expect(text.components(separatedBy: "<circle").count - 1 == 5)
        let lines = text.components(separatedBy: "\n").filter { $0.hasPrefix("<line") }
        #expect(lines.count == 6)
        #expect(lines.filter { $0.contains("stroke=\"\(NetworkDiagram.negative)\"") }.count == 1)
        #expect(lines.last!.contains("stroke-width=\"5.5\""))        // the largest |w| is drawn widest
    }

    @Test("with a trace: z, a, δ per neuron, W and dW per weight, the loss before and after")
    func annotated() {
        let trace = StepTrace.record(network: stepByStepNetwork(), input: Matrix([[0.05, 0.1]]),
                                     target: Matrix([[0.01, 0.99]]), learningRate: 0.5)
        let text = NetworkDiagram.svg(network: stepByStepNetwork(), trace: trace).rendered
        for needle in [">a 0.5933</text>", ">z 0.3775</text>", ">δ 0.1385</text>", ">W²[0][0] 0.4   dW 0.08217</text>",
                       ">x 0.05</text>", ">y 0.99</text>", "loss 0.2984 → 0.2805"] {
            #expect(text.contains(needle), "missing \(needle)")
        }
        let big = NetworkDiagram.svg(network: Network<Double>(sizes: [10, 10, 3], activation: .relu, seed: 1),
                                     trace: StepTrace.record(network: Network<Double>(sizes: [10, 10, 3], activation: .relu, seed: 1),
                                                             input: Matrix(rows: 1, cols: 10, repeating: 0.5),
                                                             target: Matrix(rows: 1, cols: 3, repeating: 0.5), learningRate: 0.1)).rendered
        #expect(!big.contains("   dW ") && !big.contains(">δ "))          // too many neurons to annotate
    }

    @Test("annotated labels fit inside their circles, however long the numbers")
    func labelsInsideCircles() {
        var net = stepByStepNetwork()
        net.layers[0].biases = [-7.5, 0.35]          // a¹[0] = σ(−7.47) = 0.000568…: a long label
        let trace = StepTrace.record(network: net, input: Matrix([[0.05, 0.1]]), target: Matrix([[0.01, 0.99]]), learningRate: 0.5)
        let text = NetworkDiagram.svg(network: net, trace: trace).rendered
        let lines = text.components(separatedBy: "\n")
        func attribute(_ line: String, _ name: String) -> Double? {
            guard let r = line.range(of: " \(name)=\"") else { return nil }
            return Double(line[r.upperBound...].prefix { $0 != "\"" })
        }
        let circles = lines.filter { $0.hasPrefix("<circle") }.compactMap { l in attribute(l, "cx").map { ($0, attribute(l, "cy")!, attribute(l, "r")!) } }
        let labels = lines.filter { $0.hasPrefix("<text") && ($0.contains(">a ") || $0.contains(">x ")) }
        #expect(labels.count == 6 && labels.contains { $0.contains(">a 0.000") })
        for label in labels {
            let (x, y) = (attribute(label, "x")!, attribute(label, "y")!)
            let content = String(label.split(separator: ">")[1].split(separator: "<")[0])
            let circle = circles.first { abs($0.0 - x) < 0.5 && abs($0.1 - (y - 4)) < 0.5 }
            // DejaVu Sans's digits are 0.636 em wide; every character counted as one.
            #expect(circle.map { 0.636 * 11 * Double(content.count) <= 2 * $0.2 } == true, "\(content) in \(String(describing: circle))")
        }
    }

    @Test("a big network is summarised: the strongest weights into each neuron, under 1 MB")
    func summary() {
        let net = Network<Float>(sizes: [784, 256, 128, 10], activation: .relu, output: .softmax, seed: 3)
        let text = NetworkDiagram.svg(network: net).rendered
        #expect(text.utf8.count < 1_000_000)
        let lines = text.components(separatedBy: "\n").filter { $0.hasPrefix("<line") }
        #expect(lines.count == (256 + 128 + 10) * NetworkDiagram.strongestEdges)
        #expect(text.contains("234,752 weights: the 3 strongest into each neuron are drawn (1,182)"))
        #expect(text.components(separatedBy: "<circle").count - 1 == 784 + 256 + 128 + 10)
        // Output neuron 0's edges are its 3 largest |W| (drawn last, in input order).
        let w = net.layers[2].weights
        let strongest = (0..<128).sorted { abs(w[0, $0]) > abs(w[0, $1]) }.prefix(3).sorted()
        let largest = Double(net.layers.flatMap { $0.weights.storage.map(abs) }.max()!)
        let widths = strongest.map { max(0.2, (NetworkDiagram.edgeWidth(Double(abs(w[0, $0])), largest: largest) * 2.5).rounded() / 10) }   // thin: a quarter
        let last = lines.suffix(30).prefix(3)
        #expect(zip(last, widths).allSatisfy { $0.contains("stroke-width=\"\(SVG.number($1))\"") }, "\(Array(last))")
        // Small networks keep every edge.
        #expect(NetworkDiagram.svg(network: Network<Float>(sizes: [4, 30, 3], activation: .relu, seed: 1)).rendered
            .components(separatedBy: "\n").filter { $0.hasPrefix("<line") }.count == 4 * 30 + 30 * 3)
    }
}

@Suite("Image grids")
struct ImageGridTests {
    @Test("pixel colours: grey ink for inputs, orange/white/blue for signed weights")
    func colors() {
        #expect(ImageGrid.color(0, signed: false) == "#ffffff" && ImageGrid.color(1, signed: false) == "#000000")
        #expect(ImageGrid.color(1, signed: true) == "#0877bd" && ImageGrid.color(-1, signed: true) == "#f59322")
        #expect(ImageGrid.color(0, signed: true) == "#ffffff")
    }

    @Test("one rectangle per non-white pixel, a tile and a caption per image")
    func grid() {
        let image: [Double] = [1, 0, 0, 0.5]          // 2×2: black, white, white, grey
        let text = ImageGrid.svg(images: [image, image], side: 2, captions: ["a", "b"], title: "t", signed: false).rendered
        let rects = text.components(separatedBy: "\n").filter { $0.hasPrefix("<rect") }
        #expect(rects.count == 1 + 2 * (1 + 2))        // background; per image a frame and 2 inked pixels
        #expect(text.contains(">a</text>") && text.contains(">b</text>"))
        #expect(rects.contains { $0.contains("fill=\"#7f7f7f\"") })   // 0.5 → 255 − round(127.5) = 127
    }

    @Test("misclassified samples are the ones the network gets wrong, captioned true → predicted")
    func misclassified() {
        // A network that always says class 0: every class-1 sample is misclassified.
        let net = Network<Double>(layers: [Dense(weights: Matrix(rows: 2, cols: 4, repeating: 0), biases: [1, 0], activation: .softmax)],
                                  loss: .softmaxCrossEntropy)
        let data = Dataset<Double>(x: Matrix(rows: 3, cols: 4, repeating: 0.5), y: Dataset<Double>.oneHot([0, 1, 1], classes: 2),
                                   classNames: ["cat", "dog"])
        let text = ImageGrid.misclassified(net, data: data, side: 2).rendered
        #expect(text.components(separatedBy: ">dog → cat</text>").count - 1 == 2)
        #expect(!text.contains(">cat → "))
    }
}

@Suite("Chart ticks")
struct ChartTickTests {
    @Test("a log-scale chart over a short range (0.63 to 1.09) still gets several 1-2-5 ticks")
    func shortLogRange() {
        let losses = [1.09, 0.66, 0.65, 0.64, 0.63]
        let chart = LineChart(title: "loss", yLabel: "loss", series: [.init(name: "train", color: LineChart.colors[0], points: losses.enumerated().map { (Double($0 + 1), $1) })],
                              logScale: true)
        #expect(chart.yTicks.count >= 4 && chart.yTicks.allSatisfy { abs($0 * 10 - ($0 * 10).rounded()) < 1e-9 }, "\(chart.yTicks)")
    }
}

@Suite("Image grid captions")
struct ImageGridCaptionTests {
    @Test("a long caption (Dress → T-shirt/top) is set smaller, so that it stays within its column")
    func longCaptions() {
        let images = [[Double]](repeating: [Double](repeating: 0.5, count: 784), count: 3)
        let captions = ["Dress → T-shirt/top", "Ankle boot → Sneaker", "Bag → Bag"]
        let text = ImageGrid.svg(images: images, side: 28, captions: captions, title: "misclassified", signed: false).rendered
        let lines = text.components(separatedBy: "\n").filter { l in captions.contains { l.contains(">\($0)<") } }
        #expect(lines.count == 3)
        for line in lines {
            let size = Double(line.components(separatedBy: "font-size=\"")[1].prefix { $0 != "\"" }) ?? 99
            let caption = String(line.split(separator: ">")[1].split(separator: "<")[0])
            #expect(SVG.textWidth(caption, size: size) <= 28 * 3 + 8, "\(caption) at \(size)")
        }
    }
}
