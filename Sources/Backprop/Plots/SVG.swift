import Foundation

/// A small SVG writer: shapes and text appended in order, rendered as one standalone document.
///
/// Coordinates are user units (pixels at 100%); numbers are written with at most two decimals.
///
/// ```swift
/// var svg = SVG(width: 200, height: 100)
/// svg.rect(x: 0, y: 0, width: 200, height: 100, fill: "#ffffff")
/// svg.circle(cx: 50, cy: 50, r: 4, fill: "#1f77b4")
/// svg.text("loss", x: 100, y: 12, anchor: "middle")
/// let text = svg.rendered      // "<svg xmlns=…>…</svg>"
/// ```
public struct SVG: Sendable {
    public var width: Double
    public var height: Double
    private var body: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A number as SVG writes it: at most two decimals, no trailing zeros.
    public static func number(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let hundredths = (x * 100).rounded(.toNearestOrEven)
        guard abs(hundredths) < 1e15 else { return String(Int64(x.rounded())) }
        let n = Int64(hundredths), whole = abs(n) / 100, fraction = abs(n) % 100
        let sign = n < 0 ? "-" : ""
        if fraction == 0 { return sign + String(whole) }
        return sign + String(whole) + "." + (fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0" : "") + String(fraction))
    }

    /// About how wide `text` is drawn in a sans-serif font of `size` (DejaVu Sans, Helvetica):
    /// digits and letters about 0.64 em, punctuation and spaces about 0.35 em. A little wide
    /// rather than narrow, to fit labels inside shapes.
    public static func textWidth(_ text: String, size: Double) -> Double {
        text.reduce(0.0) { $0 + (" .,:;'·-".contains($1) ? 0.35 : 0.64) } * size
    }

    /// Text with `&`, `<`, `>` and quotes escaped.
    public static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"") }) else {
            return s
        }
        return s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A rectangle; `id` names it for a page that handles clicks on it.
    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil, id: String? = nil,
                              strokeWidth: Double? = nil, title: String? = nil) {
        let n = SVG.number
        body.append("<rect\(SVG.idAttribute(id)) x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"\(fill)\"\(stroke.map { " stroke=\"\($0)\"" } ?? "")\(strokeWidth.map { " stroke-width=\"\(n($0))\"" } ?? "")\(SVG.closing(title))")
    }

    /// `/>`, or with a title (a tooltip) `><title>…</title></rect>`-style closing for `tag`.
    static func closing(_ title: String?, tag: String = "rect") -> String {
        guard let title else { return "/>" }
        return "><title>\(escape(title))</title></\(tag)>"
    }

    /// A circle; `id` names it for a page that handles clicks on it.
    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String? = nil, id: String? = nil) {
        let n = SVG.number
        body.append("<circle" + SVG.idAttribute(id) + " cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(r))\" fill=\"\(fill)\""
                    + (stroke.map { " stroke=\"\($0)\" stroke-width=\"1\"" } ?? "") + "/>")
    }

    /// A line; `id` names it for a page that handles clicks on it.
    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, id: String? = nil,
                              title: String? = nil) {
        let n = SVG.number
        body.append("<line\(SVG.idAttribute(id)) x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\"\(SVG.closing(title, tag: "line"))")
    }

    /// A raster image (a PNG file's bytes, embedded as a data URL), drawn with sharp pixels.
    /// A PNG stretched over the rectangle: its pixels as squares, or with `smooth` interpolated
    /// by the viewer (a heatmap without steps).
    public mutating func image(x: Double, y: Double, width: Double, height: Double, png: [UInt8], smooth: Bool = false) {
        let n = SVG.number
        body.append("<image x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" preserveAspectRatio=\"none\" "
                    + "style=\"image-rendering:\(smooth ? "auto" : "pixelated")\" href=\"data:image/png;base64,\(Data(png).base64EncodedString())\"/>")
    }

    static func idAttribute(_ id: String?) -> String { id.map { " id=\"\(escape($0))\"" } ?? "" }

    public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2) {
        let pts = points.map { "\(SVG.number($0.x)),\(SVG.number($0.y))" }.joined(separator: " ")
        body.append("<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(SVG.number(width))\"/>")
    }

    public mutating func text(_ s: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", fill: String = "#333333") {
        body.append("<text x=\"\(SVG.number(x))\" y=\"\(SVG.number(y))\" font-family=\"sans-serif\" font-size=\"\(SVG.number(size))\" "
                    + "text-anchor=\"\(anchor)\" fill=\"\(fill)\">\(SVG.escape(s))</text>")
    }

    /// The document.
    public var rendered: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVG.number(width))\" height=\"\(SVG.number(height))\" "
            + "viewBox=\"0 0 \(SVG.number(width)) \(SVG.number(height))\">\n" + body.joined(separator: "\n") + "\n</svg>\n"
    }
}
