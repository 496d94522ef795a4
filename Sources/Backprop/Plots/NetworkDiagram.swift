import Foundation

/// The network as a picture: neurons as circles in columns (inputs on the left), every weight an
/// edge whose colour is its sign (blue positive, orange negative) and whose width grows with its
/// size. Given a `StepTrace`, each neuron also shows its `z`, `a` and `δ` for the first sample,
/// each edge its weight and `dW`, each bias `b` and `db` — the tutorial's picture with its numbers.
///
/// Given `maps`, each neuron is drawn as its output over the input plane (as in TensorFlow
/// Playground). `clickable` gives every edge an id `w-l-j-k` (weight `W^l[j][k]`, into neuron `j`
/// of layer `l` from neuron `k` below) on a wide invisible line, and every neuron an id `n-l-j`,
/// for a page that explains what is clicked.
///
/// ```swift
/// let trace = StepTrace.record(network: net, input: x, target: y, learningRate: 0.5)
/// let svg = NetworkDiagram.svg(network: net, trace: trace)
/// ```
public enum NetworkDiagram {
    public static let positive = "#0877bd", negative = "#f59322"

    /// Annotations are drawn only for networks of at most this many neurons (else they overlap).
    public static let annotatedNeuronLimit = 16

    public static func svg<T: Scalar>(network: Network<T>, trace: StepTrace? = nil, title: String? = nil,
                                      maps: NeuronMaps? = nil, clickable: Bool = false) -> SVG {
        let sizes = network.sizes
        let annotate = trace != nil && sizes.reduce(0, +) <= annotatedNeuronLimit
        // Weights and their dW are listed under each gap between layers (on the edges they would cross).
        let tableLines = annotate ? network.layers.map(\.weights.storage.count).max()! : 0
        let columnGap = annotate ? 340.0 : 160.0, rowGap = annotate ? 170.0 : max(14, min(60, 600 / Double(sizes.max()!)))
        let left = annotate ? 90.0 : 60.0, top = annotate ? 110.0 : 70.0
        let width = 2 * left + 40 + columnGap * Double(sizes.count - 1)
        let tallest = Double(sizes.max()! - 1) * rowGap
        let height = tallest + top + (annotate ? 130 + 15 * Double(tableLines) : 50)
        let radius = annotate ? 26.0 : maps != nil ? min(20, rowGap / 2.3) : min(16, rowGap / 2.5)
        func position(_ l: Int, _ j: Int) -> (x: Double, y: Double) {
            let column = Double(sizes[l] - 1) * rowGap
            return (left + Double(l) * columnGap, top + (tallest - column) / 2 + Double(j) * rowGap)
        }
        var svg = SVG(width: width, height: height)
        svg.rect(x: 0, y: 0, width: width, height: height, fill: "#ffffff")
        let samples = trace?.input.rows ?? 0
        svg.text(title ?? (trace == nil ? "network \(sizes.map(String.init).joined(separator: "-"))"
                           : "one step, hand by hand" + (samples > 1 ? " (z, a, δ of sample 1 of \(samples); dW summed)" : "")),
                 x: width / 2, y: 22, size: 15, anchor: "middle")
        let largest = network.layers.flatMap { $0.weights.storage.map { abs(Double($0)) } }.max() ?? 1
        for (i, layer) in network.layers.enumerated() {                  // edges first, under the neurons
            for j in 0..<layer.outputSize {
                for k in 0..<layer.inputSize {
                    let w = Double(layer.weights[j, k])
                    let a = position(i, k), b = position(i + 1, j)
                    svg.line(x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: w >= 0 ? positive : negative,
                             width: 0.5 + 5 * abs(w) / max(largest, 1e-12))
                    if clickable {
                        svg.line(x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: "transparent", width: 7, id: "w-\(i + 1)-\(j)-\(k)")
                    }
                    if annotate, let t = trace?.layers[i] {
                        let x = (position(i, 0).x + position(i + 1, 0).x) / 2
                        let y = top + tallest + 110 + 15 * Double(j * layer.inputSize + k)
                        svg.text("W\(sup(i + 1))[\(j)][\(k)] \(short(w))   dW \(short(t.weightGradient[j, k]))",
                                 x: x, y: y, size: 11, anchor: "middle", fill: w >= 0 ? positive : "#c06a00")
                    }
                }
            }
        }
        for l in 0..<sizes.count {
            for j in 0..<sizes[l] {
                let p = position(l, j)
                if let maps {
                    svg.image(x: p.x - radius, y: p.y - radius, width: 2 * radius, height: 2 * radius, png: maps.png(layer: l, neuron: j))
                    svg.rect(x: p.x - radius, y: p.y - radius, width: 2 * radius, height: 2 * radius, fill: "transparent",
                             stroke: "#555555", id: clickable ? "n-\(l)-\(j)" : nil)
                } else {
                    svg.circle(cx: p.x, cy: p.y, r: radius, fill: "#f5f5f5", stroke: "#555555", id: clickable ? "n-\(l)-\(j)" : nil)
                }
                guard annotate, let t = trace else { continue }
                if l == 0 {
                    svg.text("x \(short(t.input[0, j]))", x: p.x, y: p.y + 4, size: 11, anchor: "middle")
                    continue
                }
                let layer = t.layers[l - 1]
                svg.text("a \(short(layer.a[0, j]))", x: p.x, y: p.y + 4, size: 11, anchor: "middle")
                svg.text("z \(short(layer.z[0, j]))", x: p.x, y: p.y - radius - 18, size: 10, anchor: "middle")
                svg.text("b \(short(layer.biases[j])) · db \(short(layer.biasGradient[j]))", x: p.x, y: p.y - radius - 6, size: 10, anchor: "middle")
                svg.text("δ \(short(layer.delta[0, j]))", x: p.x, y: p.y + radius + 14, size: 11, anchor: "middle", fill: "#b03030")
                if l == sizes.count - 1 {
                    svg.text("y \(short(t.target[0, j]))", x: p.x + radius + 8, y: p.y + 4, size: 11)
                }
            }
        }
        if let t = trace {
            svg.text("loss \(short(t.lossBefore)) → \(short(t.lossAfter)) after W ← W − \(short(t.learningRate))·dW",
                     x: width / 2, y: top + tallest + 75, size: 12, anchor: "middle")
        }
        return svg
    }

    /// A layer number as a superscript: 2 → ².
    public static func sup(_ n: Int) -> String {
        let digits = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return String(n).map { digits[Int(String($0))!] }.joined()
    }

    /// 4 significant digits, for labels.
    static func short(_ x: Double) -> String { String(format: "%.4g", x == 0 ? 0 : x) }
}
