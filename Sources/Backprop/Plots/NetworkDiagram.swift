import Foundation

/// The network as a picture: neurons as circles in columns (inputs on the left), every weight an
/// edge whose colour is its sign (blue positive, orange negative) and whose width grows with its
/// size. Given a `StepTrace`, each neuron also shows its `z`, `a` and `δ` for the first sample,
/// each edge its weight and `dW`, each bias `b` and `db` — the tutorial's picture with its numbers.
///
/// Given `maps`, each neuron is drawn as its output over the input plane (as in TensorFlow
/// Playground). `clickable` gives every edge an id `w-l-j-k` (weight `W^l[j][k]`, into neuron `j`
/// of layer `l` from neuron `k` below) with its value as a tooltip, and every neuron an id `n-l-j`,
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

    /// Past this many weights a picture summarises: neurons as dots in columns no taller than
    /// ``summaryHeight``, and only the ``strongestEdges`` largest weights into each neuron (by
    /// `|W|`, or the given magnitudes). A 784-256-128-10 network (234,752 weights) then draws
    /// 1,182 edges in about 0.3 MB instead of 19 MB.
    public static let edgeLimit = 5_000, strongestEdges = 3, summaryHeight = 900.0

    /// What a picture shows besides the network (the playground's extras).
    public struct Style: Sendable {
        public var title: String? = nil
        /// Each neuron drawn as its output over the input plane.
        public var maps: NeuronMaps? = nil
        /// Ids `w-l-j-k` and `n-l-j` on wide invisible hit areas, with the value as a tooltip.
        public var clickable = false
        /// Names beside the inputs (`x1`, `x1²`, …) and the outputs (class names).
        public var inputLabels: [String]? = nil, outputLabels: [String]? = nil
        /// The id of a parameter to outline (`w-l-j-k` or `n-l-j`).
        public var selected: String? = nil
        /// Per layer, (O, I) magnitudes to size the edges by instead of `|W|` (e.g. `|dW|`: the gradient's flow).
        public var edgeMagnitudes: [Matrix<Double>]? = nil
        /// Per layer (0: the inputs), per neuron: a note that marks it (a red ring, the note as its tooltip).
        public var marks: [[String?]] = []
        /// Clickable edges and neurons carry their values as `<title>` tooltips (off for a page
        /// that shows its own, from the numbers it is sent: a lighter picture).
        public var tooltips = true
        public init() {}
    }

    public static func svg<T: Scalar>(network: Network<T>, trace: StepTrace? = nil, title: String? = nil,
                                      maps: NeuronMaps? = nil, clickable: Bool = false) -> SVG {
        var style = Style()
        (style.title, style.maps, style.clickable) = (title, maps, clickable)
        return svg(network: network, trace: trace, style: style)
    }

    public static func svg<T: Scalar>(network: Network<T>, trace: StepTrace? = nil, style: Style) -> SVG {
        let (title, maps, clickable) = (style.title, style.maps, style.clickable)
        let sizes = network.sizes
        let annotate = trace != nil && sizes.reduce(0, +) <= annotatedNeuronLimit
        let weights = network.layers.reduce(0) { $0 + $1.weights.storage.count }
        let summarise = !annotate && maps == nil && weights > edgeLimit
        // Weights and their dW are listed under each gap between layers (on the edges they would cross).
        let tableLines = annotate ? network.layers.map(\.weights.storage.count).max()! : 0
        let columnGap = annotate ? 340.0 : 160.0
        let rowGap = annotate ? 170.0 : summarise ? min(60, summaryHeight / Double(sizes.max()!)) : max(14, min(60, 600 / Double(sizes.max()!)))
        let labelled = style.inputLabels != nil || style.outputLabels != nil
        let left = annotate ? 90.0 : labelled ? 76.0 : 60.0, top = annotate ? 110.0 : 70.0
        let width = 2 * left + 40 + columnGap * Double(sizes.count - 1)
        let tallest = Double(sizes.max()! - 1) * rowGap
        let height = tallest + top + (annotate ? 130 + 15 * Double(tableLines) : trace != nil ? 100 : 50)
        // Annotated: wide enough for the longest label inside (`a -0.0001234`).
        let labelWidth = annotate ? (trace?.layers.flatMap { l in l.a.storage.prefix(l.a.cols).map { SVG.textWidth("a \(short($0))", size: 11) } }.max() ?? 0) : 0
        let radius = annotate ? max(26.0, labelWidth / 2 + 4) : maps != nil ? min(20, rowGap / 2.3) : max(1, min(16, rowGap / 2.5))
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
        let magnitudes = style.edgeMagnitudes.flatMap { m in m.count == network.layers.count ? m : nil }
        if summarise {
            let drawn = network.layers.reduce(0) { $0 + $1.outputSize * min(strongestEdges, $1.inputSize) }
            svg.text("\(grouped(weights)) weights: the \(strongestEdges) strongest into each neuron are drawn (\(grouped(drawn)))",
                     x: width / 2, y: 42, size: 12, anchor: "middle", fill: "#666666")
        }
        let largest = magnitudes.map { $0.flatMap { $0.storage.map(abs) }.max() ?? 1 }
            ?? network.layers.flatMap { $0.weights.storage.map { abs(Double($0)) } }.max() ?? 1
        var selectedEdge: (x1: Double, y1: Double, x2: Double, y2: Double)? = nil
        /// The inputs of neuron `j` of layer `i + 1` whose edges are drawn: all, or the strongest.
        func incoming(_ i: Int, _ j: Int) -> [Int] {
            let layer = network.layers[i]
            guard summarise else { return Array(0..<layer.inputSize) }
            let size = { (k: Int) in magnitudes.map { abs($0[i][j, k]) } ?? abs(Double(layer.weights[j, k])) }
            return (0..<layer.inputSize).sorted { size($0) > size($1) || (size($0) == size($1) && $0 < $1) }.prefix(strongestEdges).sorted()
        }
        for (i, layer) in network.layers.enumerated() {                  // edges first, under the neurons
            for j in 0..<layer.outputSize {
                for k in incoming(i, j) {
                    let w = Double(layer.weights[j, k])
                    let size = magnitudes.map { abs($0[i][j, k]) } ?? abs(w)
                    let a = position(i, k), b = position(i + 1, j)
                    let id = "w-\(i + 1)-\(j)-\(k)"
                    // Clickable: the edge itself carries the id and its value (a page picks the
                    // nearest edge to a click by geometry, so no wider hit line is needed).
                    let note = clickable && style.tooltips ? "W\(sup(i + 1))[\(j)][\(k)] = \(short(w))" + (magnitudes.map { "  |dW| = \(short(abs($0[i][j, k])))" } ?? "") : nil
                    svg.line(x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: w >= 0 ? positive : negative,
                             width: summarise ? max(0.2, (edgeWidth(size, largest: largest) * 2.5).rounded() / 10) : edgeWidth(size, largest: largest),
                             id: clickable ? id : nil, title: note)
                    if style.selected == id { selectedEdge = (a.x, a.y, b.x, b.y) }
                    if annotate, let t = trace?.layers[i] {
                        let x = (position(i, 0).x + position(i + 1, 0).x) / 2
                        let y = top + tallest + 110 + 15 * Double(j * layer.inputSize + k)
                        svg.text("W\(sup(i + 1))[\(j)][\(k)] \(short(w))   dW \(short(t.weightGradient[j, k]))",
                                 x: x, y: y, size: 11, anchor: "middle", fill: w >= 0 ? positive : "#c06a00")
                    }
                }
            }
        }
        if let e = selectedEdge {       // the selected weight: a dark band over the edges
            svg.line(x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2, stroke: "#111111", width: 3.5)
        }
        for l in 0..<sizes.count {
            for j in 0..<sizes[l] {
                let p = position(l, j)
                let id = "n-\(l)-\(j)"
                let note: String? = l == 0 || !style.tooltips ? nil : "b\(sup(l))[\(j)] = \(short(Double(network.layers[l - 1].biases[j])))"
                    + (l < style.marks.count && j < style.marks[l].count ? style.marks[l][j].map { " — \($0)" } ?? "" : "")
                if let maps {
                    svg.image(x: p.x - radius, y: p.y - radius, width: 2 * radius, height: 2 * radius, png: maps.png(layer: l, neuron: j))
                    svg.rect(x: p.x - radius, y: p.y - radius, width: 2 * radius, height: 2 * radius, fill: "transparent",
                             stroke: "#555555", id: clickable ? id : nil, title: clickable ? note : nil)
                } else {
                    svg.circle(cx: p.x, cy: p.y, r: radius, fill: "#f5f5f5", stroke: "#555555", id: clickable ? id : nil)
                }
                if l < style.marks.count, j < style.marks[l].count, style.marks[l][j] != nil {
                    svg.rect(x: p.x - radius - 3, y: p.y - radius - 3, width: 2 * radius + 6, height: 2 * radius + 6,
                             fill: "none", stroke: "#d62728", strokeWidth: 2)
                }
                if style.selected == id {
                    svg.rect(x: p.x - radius - 2, y: p.y - radius - 2, width: 2 * radius + 4, height: 2 * radius + 4,
                             fill: "none", stroke: "#111111", strokeWidth: 3)
                }
                if l == 0, let names = style.inputLabels, j < names.count {
                    svg.text(names[j], x: p.x - radius - 6, y: p.y + 4, size: 12, anchor: "end")
                }
                if l == sizes.count - 1, let names = style.outputLabels, j < names.count {
                    svg.text(names[j], x: p.x + radius + 6, y: p.y + 4, size: 12)
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
        if trace == nil && maps == nil && !clickable {     // a picture on its own says what its colours mean
            let y = height - 16, x = width / 2 - 170
            svg.rect(x: x, y: y - 6, width: 24, height: 3, fill: positive)
            svg.text("positive weight", x: x + 30, y: y, size: 11)
            svg.rect(x: x + 130, y: y - 6, width: 24, height: 3, fill: negative)
            svg.text("negative weight", x: x + 160, y: y, size: 11)
            svg.text("width: |w|", x: x + 270, y: y, size: 11)
        }
        if let t = trace {
            let rule = t.optimizerBefore.kind == .sgd && t.optimizerBefore.weightDecay == 0 && t.optimizerBefore.l1 == 0
                ? "W ← W − \(short(t.learningRate))·dW" : "\(t.optimizerBefore.kind.rawValue)'s update"
            svg.text("loss \(short(t.lossBefore)) → \(short(t.lossAfter)) after \(rule)",
                     x: width / 2, y: top + tallest + 75, size: 12, anchor: "middle")
            if !annotate {
                svg.text("\(sizes.reduce(0, +)) neurons: too many to write each number here (at most \(annotatedNeuronLimit)); backprop explain prints them all",
                         x: width / 2, y: top + tallest + 93, size: 11, anchor: "middle", fill: "#666666")
            }
        }
        return svg
    }

    /// A layer number as a superscript: 2 → ².
    public static func sup(_ n: Int) -> String {
        let digits = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return String(n).map { digits[Int(String($0))!] }.joined()
    }

    /// An edge's width: 0.5 to 5.5 by its share of the largest, in steps of 0.2 (0.5, 0.7, …) — 26 widths, more
    /// than the eye tells apart — so that a picture drawn again after a small change has mostly
    /// the same lines (the playground sends only changed lines: with steps of 0.1, an epoch of
    /// the 6 × 16 network changed most of its 1,344 edges).
    static func edgeWidth(_ size: Double, largest: Double) -> Double {
        0.5 + (25 * size / max(largest, 1e-12)).rounded() / 5
    }

    /// `234752` → `234,752`.
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        return String(digits.enumerated().flatMap { i, c in (i > 0 && (digits.count - i) % 3 == 0 ? [","] : []) + [c] })
    }

    /// 4 significant digits, for labels.
    static func short(_ x: Double) -> String { String(format: "%.4g", x == 0 ? 0 : x) }
}
