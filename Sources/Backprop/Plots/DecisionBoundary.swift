import Foundation

/// The decision boundary of a 2-input classifier over its data, as TensorFlow Playground draws it:
/// the model's output on a grid as a heatmap (orange for class 0, blue for class 1, white where
/// it is undecided), the training samples on top (white rims) and the test samples (dark rims).
///
/// ```swift
/// let svg = DecisionBoundary.svg(model: model, points: raw, labels: train.labels)
/// ```
public enum DecisionBoundary {
    public static let classColors = ["#f59322", "#0877bd"]

    /// The heatmap colour of probability `p` of class 1: orange at 0, white at 0.5, blue at 1.
    public static func color(probability p: Double) -> String {
        let (r, g, b) = rgb(probability: p)
        return String(format: "#%02x%02x%02x", r, g, b)
    }

    /// `color(probability:)` as bytes: white mixed toward orange (0) or blue (1), at most
    /// `strength` of the way (0.75 for heatmaps: keep them light; 1 for points).
    public static func rgb(probability p: Double, strength: Double = 0.75) -> (UInt8, UInt8, UInt8) {
        let q = min(max(p.isFinite ? p : 0.5, 0), 1)
        let (from, t): ((Double, Double, Double), Double) = q < 0.5 ? ((245, 147, 34), 1 - 2 * q) : ((8, 119, 189), 2 * q - 1)
        // Rounded half up by truncating v + 0.5: for v in 0…255 that is `v.rounded()` (but within
        // 2⁻⁵³ below a half), without a call to the C library's round (a state colours ~20,000
        // pixels). A strength beyond 0…1 is clamped to the colour range.
        func mix(_ c: Double) -> UInt8 { UInt8(Int(min(max(255 + (c - 255) * t * strength, 0), 255) + 0.5)) }
        return (mix(from.0), mix(from.1), mix(from.2))
    }

    /// The probability of class 1 from one row of outputs (sigmoid: the output; softmax: column 1).
    static func probability<T: Scalar>(_ out: Matrix<T>, _ r: Int) -> Double {
        out.cols == 1 ? Double(out[r, 0]) : Double(out[r, min(1, out.cols - 1)])
    }

    /// The region drawn around some 2-D points, and a `resolution × resolution` grid over it.
    public struct Grid<T: Scalar>: Sendable {
        /// The region: x from `x0` to `x1`, y from `y0` to `y1` (the points' range plus 8%).
        public var x0: Double, x1: Double, y0: Double, y1: Double
        public var resolution: Int
        /// The cell centres, (resolution², 2): row `i` of the picture from the top (high y)
        /// down, column `j` left to right, at row `i · resolution + j`.
        public var points: Matrix<T>

        /// The grid over `sets` of raw points (rows of 2).
        public init(covering sets: [Matrix<T>], resolution: Int) {
            var lo = (Double.infinity, Double.infinity), hi = (-Double.infinity, -Double.infinity)
            for points in sets {
                for r in 0..<points.rows {
                    lo = (min(lo.0, Double(points[r, 0])), min(lo.1, Double(points[r, 1])))
                    hi = (max(hi.0, Double(points[r, 0])), max(hi.1, Double(points[r, 1])))
                }
            }
            if !(lo.0 <= hi.0 && lo.1 <= hi.1) { (lo, hi) = ((-1, -1), (1, 1)) }
            let pad = (max(hi.0 - lo.0, 1e-9) * 0.08, max(hi.1 - lo.1, 1e-9) * 0.08)
            (x0, x1, y0, y1) = (lo.0 - pad.0, hi.0 + pad.0, lo.1 - pad.1, hi.1 + pad.1)
            self.resolution = resolution
            points = Matrix<T>(rows: resolution * resolution, cols: 2)
            for i in 0..<resolution {
                for j in 0..<resolution {
                    points[i * resolution + j, 0] = T(x0 + (Double(j) + 0.5) / Double(resolution) * (x1 - x0))
                    points[i * resolution + j, 1] = T(y1 - (Double(i) + 0.5) / Double(resolution) * (y1 - y0))
                }
            }
        }
    }

    /// What the points are: classes (0 or 1) or numbers (regression, drawn on −1…1).
    public enum Targets: Sendable {
        case labels([Int])
        case values([Double])

        /// The targets of a data set's `y`: its classes, or its first column.
        public init<T: Scalar>(_ y: Matrix<T>, isClassification: Bool) {
            self = isClassification ? .labels((0..<y.rows).map { y.argmax(row: $0) })
                                    : .values((0..<y.rows).map { Double(y[$0, 0]) })
        }
    }

    /// How the picture is drawn besides its data.
    public struct Style: Sendable {
        public var resolution = 80, size = 480.0
        public var title = "decision boundary"
        /// Draw the heatmap as one embedded PNG, interpolated by the viewer (smaller and smooth),
        /// instead of a rectangle per cell.
        public var raster = false
        /// Hard colours: the predicted class (or the sign of a regression's output) only.
        public var discretize = false
        /// The names of classes 0 and 1 for the legend.
        public var classNames: [String]? = nil
        /// Training points to ring in black (e.g. the next step's batch).
        public var highlighted: [Int] = []
        /// At most this many points of a set are drawn: of more, that many at random (the same
        /// ones every time), and the picture says so. A circle is about 90 bytes of SVG; 10
        /// million points made a picture of 900 MB that no viewer opens.
        public var maximumPoints = 5_000
        public init() {}
    }

    /// The picture for a classifier: `model` (raw 2-D inputs; its features and preprocessing are
    /// applied) over `points` (raw coordinates, rows of 2) with their `labels`, and optionally
    /// `testPoints` with `testLabels`, on a `resolution × resolution` grid. `raster` draws the
    /// heatmap as one embedded PNG instead of a rectangle per cell.
    public static func svg<T: Scalar>(model: ModelFile<T>, points: Matrix<T>, labels: [Int],
                                      testPoints: Matrix<T>? = nil, testLabels: [Int] = [],
                                      resolution: Int = 80, size: Double = 480, title: String = "decision boundary",
                                      raster: Bool = false) -> SVG {
        var style = Style()
        (style.resolution, style.size, style.title, style.raster, style.classNames) = (resolution, size, title, raster, model.classes)
        return svg(model: model, points: points, targets: .labels(labels), testPoints: testPoints,
                   testTargets: testPoints == nil ? nil : .labels(testLabels), style: style)
    }

    /// The picture of a classifier (class 1's probability, orange 0 … white 0.5 … blue 1) or of
    /// a regression (its output, orange −1 … white 0 … blue 1), with the points, a colour
    /// legend and the axes `x1` (across) and `x2` (up).
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public static func svg<T: Scalar>(model: ModelFile<T>, points: Matrix<T>, targets: Targets,
                                      testPoints: Matrix<T>? = nil, testTargets: Targets? = nil, style: Style) -> SVG {
        precondition(points.cols == 2 && model.inputSize == 2, "a decision boundary needs 2 inputs")
        let resolution = max(style.resolution, 2), size = style.size
        let isRegression = if case .values = targets { true } else { false }
        let grid = Grid(covering: [points] + (testPoints.map { [$0] } ?? []), resolution: resolution)
        let out = model.predict(grid.points)
        func shade(_ r: Int) -> Double {
            var p = isRegression ? (Double(out[r, 0]) + 1) / 2 : probability(out, r)
            if style.discretize { p = p > 0.5 ? 1 : 0 }
            return p
        }
        let (left, top, bottom) = (34.0, 28.0, 66.0), cell = size / Double(resolution)
        var svg = SVG(width: size + left, height: size + top + bottom)
        svg.rect(x: 0, y: 0, width: size + left, height: size + top + bottom, fill: "#ffffff")
        svg.text(style.title, x: left + size / 2, y: 19, size: 14, anchor: "middle")
        if style.raster {
            var pixels: [UInt8] = []
            pixels.reserveCapacity(3 * resolution * resolution)
            for r in 0..<(resolution * resolution) {
                let (red, green, blue) = rgb(probability: shade(r))
                pixels.append(red); pixels.append(green); pixels.append(blue)     // (no array per pixel)
            }
            svg.image(x: left, y: top, width: size, height: size, png: PNG.rgb(width: resolution, height: resolution, pixels: pixels),
                      smooth: !style.discretize)
        } else {
            for i in 0..<resolution {
                for j in 0..<resolution {
                    svg.rect(x: left + Double(j) * cell, y: top + Double(i) * cell, width: cell + 0.3, height: cell + 0.3,
                             fill: color(probability: shade(i * resolution + j)))
                }
            }
        }
        func position(_ set: Matrix<T>, _ r: Int) -> (Double, Double) {
            (left + (Double(set[r, 0]) - grid.x0) / (grid.x1 - grid.x0) * size,
             top + (grid.y1 - Double(set[r, 1])) / (grid.y1 - grid.y0) * size)
        }
        func fill(_ targets: Targets, _ r: Int) -> String {
            switch targets {
            case .labels(let labels): classColors[min(max(labels[r], 0), 1)]
            case .values(let values): pointColor(value: values[r])
            }
        }
        var thinned: [String] = []                                      // "5,000 of 20,000 training points"
        func draw(_ set: Matrix<T>, _ targets: Targets, rim: String, name: String) {
            let drawn = pointsDrawn(set.rows, maximum: style.maximumPoints)
            if drawn.count < set.rows { thinned.append("\(NetworkDiagram.grouped(drawn.count)) of \(NetworkDiagram.grouped(set.rows)) \(name) points") }
            for r in drawn {
                let (px, py) = position(set, r)
                svg.circle(cx: px, cy: py, r: 3.5, fill: fill(targets, r), stroke: rim)
            }
        }
        draw(points, targets, rim: "#ffffff", name: "training")
        if let testPoints, let testTargets { draw(testPoints, testTargets, rim: "#222222", name: "test") }
        if !thinned.isEmpty {
            svg.text("drawn: " + thinned.joined(separator: ", "), x: left + size, y: top + size + 58, size: 10, anchor: "end")
        }
        for r in style.highlighted where r >= 0 && r < points.rows {
            let (px, py) = position(points, r)
            svg.circle(cx: px, cy: py, r: 6.5, fill: "none", stroke: "#111111")
        }
        // Axes: x1 across, x2 up, ticks at 1-2-5 steps.
        for v in LineChart.niceTicks(grid.x0, grid.x1) {
            let x = left + (v - grid.x0) / (grid.x1 - grid.x0) * size
            svg.line(x1: x, y1: top + size, x2: x, y2: top + size + 4, stroke: "#555555", width: 1)
            svg.text(LineChart.tick(v), x: x, y: top + size + 14, size: 10, anchor: "middle")
        }
        for v in LineChart.niceTicks(grid.y0, grid.y1) {
            let y = top + (grid.y1 - v) / (grid.y1 - grid.y0) * size
            svg.line(x1: left - 4, y1: y, x2: left, y2: y, stroke: "#555555", width: 1)
            svg.text(LineChart.tick(v), x: left - 6, y: y + 3.5, size: 10, anchor: "end")
        }
        svg.text("x1", x: left + size / 2, y: top + size + 28, size: 12, anchor: "middle")
        svg.text("x2", x: left - 6, y: top - 6, size: 12, anchor: "end")
        legend(&svg, x: left, y: top + size + 34, width: size, regression: isRegression,
               names: style.classNames ?? ["0", "1"], testShown: testPoints != nil, discrete: style.discretize)
        return svg
    }

    /// The rows of `count` points to draw, in order: all of them, or `maximum` at random (Knuth's
    /// selection sampling, seed 1: the same rows every time). Not every k-th point: generated sets
    /// alternate their classes row by row, and every 200th point of a spiral was all one class.
    static func pointsDrawn(_ count: Int, maximum: Int) -> [Int] {
        let k = max(maximum, 0)
        guard count > k else { return Array(0..<count) }
        var rng = SeededGenerator(seed: 1)
        var rows: [Int] = []
        rows.reserveCapacity(k)
        for r in 0..<count where rows.count < k && Double(count - r) * rng.uniform() < Double(k - rows.count) {
            rows.append(r)
        }
        return rows
    }

    /// A point's colour for a regression target `v` (−1 orange … 1 blue, at full strength).
    static func pointColor(value v: Double) -> String {
        let (r, g, b) = rgb(probability: v.isFinite ? (v + 1) / 2 : 0.5, strength: 1)
        return String(format: "#%02x%02x%02x", r, g, b)
    }

    /// The colour key under the plot: the classes (or the −1…1 scale) and the rims.
    static func legend(_ svg: inout SVG, x: Double, y: Double, width: Double, regression: Bool, names: [String],
                       testShown: Bool, discrete: Bool) {
        var at = x
        if regression {
            let steps = 10
            for i in 0..<steps {
                svg.rect(x: at + Double(i) * 8, y: y, width: 8.3, height: 10, fill: color(probability: (Double(i) + 0.5) / Double(steps)))
            }
            svg.text("−1", x: at, y: y + 22, size: 10)
            svg.text("1", x: at + 80, y: y + 22, size: 10, anchor: "end")
            svg.text(discrete ? "output's sign" : "output", x: at + 86, y: y + 9, size: 11)
            at += 150
        } else {
            for (c, name) in names.prefix(2).enumerated() {
                svg.rect(x: at, y: y, width: 10, height: 10, fill: classColors[c])
                svg.text("class \(name)", x: at + 14, y: y + 9, size: 11)
                at += 26 + 7 * Double(min(name.count, 14) + 6)
            }
            svg.text(discrete ? "shade: the predicted class" : "shade: P(class \(names.count > 1 ? names[1] : "1"))", x: x, y: y + 24, size: 10)
        }
        svg.circle(cx: at + 5, cy: y + 5, r: 3.5, fill: "#999999", stroke: "#ffffff")
        svg.text("train", x: at + 12, y: y + 9, size: 11)
        if testShown {
            svg.circle(cx: at + 52, cy: y + 5, r: 3.5, fill: "#999999", stroke: "#222222")
            svg.text("test", x: at + 59, y: y + 9, size: 11)
        }
    }
}
