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

    /// `color(probability:)` as bytes.
    public static func rgb(probability p: Double) -> (UInt8, UInt8, UInt8) {
        let q = min(max(p.isFinite ? p : 0.5, 0), 1)
        let (from, t): ((Double, Double, Double), Double) = q < 0.5 ? ((245, 147, 34), 1 - 2 * q) : ((8, 119, 189), 2 * q - 1)
        func mix(_ c: Double) -> UInt8 { UInt8((255 + (c - 255) * t * 0.75).rounded()) }      // 0.75: keep it light
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

    /// The picture: `model` (raw 2-D inputs; its preprocessing is applied) over `points` (raw
    /// coordinates, rows of 2) with their `labels`, and optionally `testPoints` with
    /// `testLabels`, on a `resolution × resolution` grid. `raster` draws the heatmap as one
    /// embedded PNG instead of a rectangle per cell (smaller, for pages that redraw it often).
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public static func svg<T: Scalar>(model: ModelFile<T>, points: Matrix<T>, labels: [Int],
                                      testPoints: Matrix<T>? = nil, testLabels: [Int] = [],
                                      resolution: Int = 80, size: Double = 480, title: String = "decision boundary",
                                      raster: Bool = false) -> SVG {
        precondition(points.cols == 2 && model.network.inputSize == 2, "a decision boundary needs 2 inputs")
        let grid = Grid(covering: [points] + (testPoints.map { [$0] } ?? []), resolution: resolution)
        let out = model.predict(grid.points)
        let top = 28.0, cell = size / Double(resolution)
        var svg = SVG(width: size, height: size + top)
        svg.rect(x: 0, y: 0, width: size, height: size + top, fill: "#ffffff")
        svg.text(title, x: size / 2, y: 19, size: 14, anchor: "middle")
        if raster {
            var pixels: [UInt8] = []
            pixels.reserveCapacity(3 * resolution * resolution)
            for r in 0..<(resolution * resolution) {
                let (red, green, blue) = rgb(probability: probability(out, r))
                pixels += [red, green, blue]
            }
            svg.image(x: 0, y: top, width: size, height: size, png: PNG.rgb(width: resolution, height: resolution, pixels: pixels))
        } else {
            for i in 0..<resolution {
                for j in 0..<resolution {
                    svg.rect(x: Double(j) * cell, y: top + Double(i) * cell, width: cell + 0.3, height: cell + 0.3,
                             fill: color(probability: probability(out, i * resolution + j)))
                }
            }
        }
        func draw(_ set: Matrix<T>, _ labels: [Int], rim: String) {
            for r in 0..<set.rows {
                let px = (Double(set[r, 0]) - grid.x0) / (grid.x1 - grid.x0) * size
                let py = top + (grid.y1 - Double(set[r, 1])) / (grid.y1 - grid.y0) * size
                svg.circle(cx: px, cy: py, r: 3.5, fill: classColors[min(max(labels[r], 0), 1)], stroke: rim)
            }
        }
        draw(points, labels, rim: "#ffffff")
        if let testPoints { draw(testPoints, testLabels, rim: "#222222") }
        return svg
    }
}
