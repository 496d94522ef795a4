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
    /// Whether x is a count (epochs): its ticks are whole numbers.
    public var integerX = true
    /// The largest y the axis shows (1 for an accuracy), if any.
    public var maxY: Double? = nil
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
        var low = y.lowerBound - pad, high = y.upperBound + pad
        if !logScale && y.lowerBound >= 0 { low = max(low, 0) }              // no negative losses or accuracies
        if let maxY, !logScale, y.upperBound <= maxY { high = min(high, maxY) }
        return (x, low...high)
    }

    /// Ticks at 1-2-5 steps (1, 2, 5, 10, 20, …) inside `lo…hi`, about `count` of them; whole
    /// numbers only with `integer`.
    public static func niceTicks(_ lo: Double, _ hi: Double, count: Int = 5, integer: Bool = false) -> [Double] {
        guard lo.isFinite, hi.isFinite, hi > lo else { return [lo] }
        let raw = (hi - lo) / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw * 0.999 } ?? 10 * magnitude
        if integer { step = max(step.rounded(), 1) }
        var ticks: [Double] = []
        var v = (lo / step).rounded(.up) * step
        while v <= hi + step * 1e-9 && ticks.count < 50 {
            ticks.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return ticks
    }

    /// The y ticks, as data values: 1-2-5 steps, or on a log scale 1, 2, 5 × powers of 10.
    var yTicks: [Double] {
        let (_, ry) = ranges
        guard logScale else { return Self.niceTicks(ry.lowerBound, ry.upperBound) }
        var ticks: [Double] = []
        for decade in Int(floor(ry.lowerBound))...Int(ceil(ry.upperBound)) {
            for m in [1.0, 2, 5] {
                let e = log10(m) + Double(decade)
                if e >= ry.lowerBound && e <= ry.upperBound { ticks.append(pow(10, e)) }
            }
        }
        if ticks.count > 8 { ticks = ticks.filter { abs(log10($0) - log10($0).rounded()) < 1e-9 } }
        // A short range (0.6 to 1, say) has few 1-2-5 powers: ticks at 1-2-5 steps then.
        return ticks.count >= 4 ? ticks : Self.niceTicks(pow(10, ry.lowerBound), pow(10, ry.upperBound), count: 8).filter { $0 > 0 }
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
        for value in yTicks {                              // grid lines and tick labels
            let v = logScale ? log10(value) : value
            let y = p.bottom - (v - ry.lowerBound) / (ry.upperBound - ry.lowerBound) * (p.bottom - p.top)
            svg.line(x1: p.left, y1: y, x2: p.right, y2: y, stroke: "#e5e5e5")
            svg.text(Self.tick(value), x: p.left - 6, y: y + 4, size: 11, anchor: "end")
        }
        for value in Self.niceTicks(rx.lowerBound, rx.upperBound, integer: integerX) {
            let x = p.left + (value - rx.lowerBound) / (rx.upperBound - rx.lowerBound) * (p.right - p.left)
            svg.line(x1: x, y1: p.bottom, x2: x, y2: p.bottom + 4, stroke: "#333333")
            svg.text(Self.tick(value), x: x, y: p.bottom + 16, size: 11, anchor: "middle")
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

    /// A tick label: `%.3g` below 1, `%.4g` up to 100,000, `%.1e` beyond and below 0.001.
    /// A tick at a 1-2-5 step is mostly a short decimal (0.5, 2, 250): then ``SVG/number(_:)``
    /// writes the same text without `String(format:)`, which costs ~10 µs a call (a playground
    /// state draws about 20 ticks).
    static func tick(_ v: Double) -> String {
        let a = abs(v)
        if a != 0 && (a < 0.001 || a >= 100_000) { return String(format: "%.1e", v) }
        let short = SVG.number(v)                 // exact, and no more digits than %g keeps?
        if v != 0 && a < 10_000 && Double(short) == v && significantDigits(short) <= (a < 1 ? 3 : 4) { return short }
        return String(format: a < 1 ? "%.3g" : "%.4g", v)
    }

    /// The digits of a plain decimal after its leading zeros ("0.05" → 1, "120" → 3, "-2.5" → 2).
    static func significantDigits(_ text: String) -> Int {
        var digits = 0, leading = true
        for c in text.utf8 where c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
            if leading && c == UInt8(ascii: "0") { continue }
            leading = false
            digits += 1
        }
        return digits
    }
}
