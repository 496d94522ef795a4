import Foundation

/// A line chart of values per epoch (loss or accuracy curves), optionally on a log scale.
///
/// ```swift
/// let chart = LineChart(title: "loss", yLabel: "loss per sample", series: [
///     .init(name: "train", color: LineChart.colors[0], points: [(1, 0.6), (2, 0.4)]),
/// ])
/// try writeFileAtomically(Array(chart.svg().rendered.utf8), to: "loss.svg")
/// ```
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var color: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, color: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.color = color
            self.points = points
        }
    }

    /// Train, validation, test.
    public static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]

    public var title: String
    public var xLabel = "epoch"
    public var yLabel: String
    public var series: [Series]
    /// Plot y on a log₁₀ scale (values ≤ 0 are left out).
    public var logScale = false
    public var width = 640.0, height = 400.0
    /// The plot area inside the margins.
    public var plot: (left: Double, top: Double, right: Double, bottom: Double) { (64, 36, width - 120, height - 48) }

    public init(title: String, yLabel: String, series: [Series], logScale: Bool = false) {
        self.title = title
        self.yLabel = yLabel
        self.series = series
        self.logScale = logScale
    }

    private var visible: [(x: Double, y: Double)] {
        series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite && (!logScale || $0.y > 0) }
    }

    /// The data range shown: x from the first to the last point, y padded by 5%.
    public var ranges: (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        let pts = visible
        let xs = pts.map(\.x), ys = pts.map { logScale ? log10($0.y) : $0.y }
        var x = (xs.min() ?? 0)...(xs.max() ?? 1)
        var y = (ys.min() ?? 0)...(ys.max() ?? 1)
        if x.upperBound == x.lowerBound { x = (x.lowerBound - 1)...(x.upperBound + 1) }
        if y.upperBound == y.lowerBound { y = (y.lowerBound - 1)...(y.upperBound + 1) }
        let pad = (y.upperBound - y.lowerBound) * 0.05
        return (x, (y.lowerBound - pad)...(y.upperBound + pad))
    }

    /// Where the data point `(x, y)` is drawn.
    public func position(x: Double, y: Double) -> (x: Double, y: Double) {
        let (rx, ry) = ranges
        let p = plot
        let v = logScale ? log10(y) : y
        return (p.left + (x - rx.lowerBound) / (rx.upperBound - rx.lowerBound) * (p.right - p.left),
                p.bottom - (v - ry.lowerBound) / (ry.upperBound - ry.lowerBound) * (p.bottom - p.top))
    }

    /// The chart as an SVG document.
    public func svg() -> SVG {
        var svg = SVG(width: width, height: height)
        let p = plot
        let (rx, ry) = ranges
        svg.rect(x: 0, y: 0, width: width, height: height, fill: "#ffffff")
        svg.text(title, x: width / 2, y: 20, size: 15, anchor: "middle")
        for i in 0...4 {                                   // grid lines and tick labels
            let fy = Double(i) / 4, fx = Double(i) / 4
            let y = p.bottom - fy * (p.bottom - p.top)
            let value = ry.lowerBound + fy * (ry.upperBound - ry.lowerBound)
            svg.line(x1: p.left, y1: y, x2: p.right, y2: y, stroke: "#e5e5e5")
            svg.text(Self.tick(logScale ? pow(10, value) : value), x: p.left - 6, y: y + 4, size: 11, anchor: "end")
            let x = p.left + fx * (p.right - p.left)
            svg.text(Self.tick(rx.lowerBound + fx * (rx.upperBound - rx.lowerBound)), x: x, y: p.bottom + 16, size: 11, anchor: "middle")
        }
        svg.line(x1: p.left, y1: p.bottom, x2: p.right, y2: p.bottom, stroke: "#333333")
        svg.line(x1: p.left, y1: p.top, x2: p.left, y2: p.bottom, stroke: "#333333")
        svg.text(xLabel, x: (p.left + p.right) / 2, y: height - 10, size: 12, anchor: "middle")
        svg.text(yLabel + (logScale ? " (log scale)" : ""), x: 8, y: p.top - 12, size: 12)
        for (k, s) in series.enumerated() {
            let pts = s.points.filter { $0.x.isFinite && $0.y.isFinite && (!logScale || $0.y > 0) }.map { position(x: $0.x, y: $0.y) }
            if pts.count > 1 { svg.polyline(pts, stroke: s.color) }
            for pt in pts where pts.count <= 60 { svg.circle(cx: pt.x, cy: pt.y, r: 2.5, fill: s.color) }
            let ly = p.top + 8 + Double(k) * 18          // legend
            svg.line(x1: p.right + 12, y1: ly, x2: p.right + 32, y2: ly, stroke: s.color, width: 3)
            svg.text(s.name, x: p.right + 38, y: ly + 4, size: 12)
        }
        return svg
    }

    static func tick(_ v: Double) -> String {
        let a = abs(v)
        if a != 0 && (a < 0.001 || a >= 100_000) { return String(format: "%.1e", v) }
        return String(format: a < 1 ? "%.3g" : "%.4g", v)
    }
}

/// The decision boundary of a 2-input classifier over its data, as TensorFlow Playground draws it:
/// the model's output on a grid as a heatmap (orange for class 0, blue for class 1, white where
/// it is undecided), and the samples on top.
public enum DecisionBoundary {
    public static let classColors = ["#f59322", "#0877bd"]

    /// The heatmap colour of probability `p` of class 1: orange at 0, white at 0.5, blue at 1.
    public static func color(probability p: Double) -> String {
        let q = min(max(p.isFinite ? p : 0.5, 0), 1)
        let (from, t): ((Double, Double, Double), Double) = q < 0.5 ? ((245, 147, 34), 1 - 2 * q) : ((8, 119, 189), 2 * q - 1)
        func mix(_ c: Double) -> Int { Int((255 + (c - 255) * t * 0.75).rounded()) }      // 0.75: keep it light
        let (r, g, b) = (mix(from.0), mix(from.1), mix(from.2))
        return String(format: "#%02x%02x%02x", r, g, b)
    }

    /// The probability of class 1 from one row of outputs (sigmoid: the output; softmax: column 1).
    static func probability<T: Scalar>(_ out: Matrix<T>, _ r: Int) -> Double {
        out.cols == 1 ? Double(out[r, 0]) : Double(out[r, min(1, out.cols - 1)])
    }

    /// The picture: `model` (raw 2-D inputs; its preprocessing is applied) over `points` (raw
    /// coordinates, rows of 2) with their `labels`, on a `resolution × resolution` grid.
    public static func svg<T: Scalar>(model: ModelFile<T>, points: Matrix<T>, labels: [Int],
                                      resolution: Int = 80, size: Double = 480, title: String = "decision boundary") -> SVG {
        precondition(points.cols == 2 && model.network.inputSize == 2, "a decision boundary needs 2 inputs")
        var lo = (Double.infinity, Double.infinity), hi = (-Double.infinity, -Double.infinity)
        for r in 0..<points.rows {
            lo = (min(lo.0, Double(points[r, 0])), min(lo.1, Double(points[r, 1])))
            hi = (max(hi.0, Double(points[r, 0])), max(hi.1, Double(points[r, 1])))
        }
        if points.rows == 0 { (lo, hi) = ((-1, -1), (1, 1)) }
        let pad = (max(hi.0 - lo.0, 1e-9) * 0.08, max(hi.1 - lo.1, 1e-9) * 0.08)
        let x0 = lo.0 - pad.0, x1 = hi.0 + pad.0, y0 = lo.1 - pad.1, y1 = hi.1 + pad.1
        var grid = Matrix<T>(rows: resolution * resolution, cols: 2)
        for i in 0..<resolution {          // row i from the top (high y) down, column j left to right
            for j in 0..<resolution {
                grid[i * resolution + j, 0] = T(x0 + (Double(j) + 0.5) / Double(resolution) * (x1 - x0))
                grid[i * resolution + j, 1] = T(y1 - (Double(i) + 0.5) / Double(resolution) * (y1 - y0))
            }
        }
        let out = model.predict(grid)
        let top = 28.0, cell = size / Double(resolution)
        var svg = SVG(width: size, height: size + top)
        svg.rect(x: 0, y: 0, width: size, height: size + top, fill: "#ffffff")
        svg.text(title, x: size / 2, y: 19, size: 14, anchor: "middle")
        for i in 0..<resolution {
            for j in 0..<resolution {
                svg.rect(x: Double(j) * cell, y: top + Double(i) * cell, width: cell + 0.3, height: cell + 0.3,
                         fill: color(probability: probability(out, i * resolution + j)))
            }
        }
        for r in 0..<points.rows {
            let px = (Double(points[r, 0]) - x0) / (x1 - x0) * size
            let py = top + (y1 - Double(points[r, 1])) / (y1 - y0) * size
            svg.circle(cx: px, cy: py, r: 3.5, fill: classColors[min(labels[r], 1)], stroke: "#ffffff")
        }
        return svg
    }
}
