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
    /// The elements so far, each followed by a newline.
    private var body = ""

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
        body += "<rect"
        body += SVG.idAttribute(id)
        attribute("x", x); attribute("y", y); attribute("width", width); attribute("height", height)
        attribute("fill", fill)
        if let stroke { attribute("stroke", stroke) }
        if let strokeWidth { attribute("stroke-width", strokeWidth) }
        body += SVG.closing(title)
        body += "\n"
    }

    /// `/>`, or with a title (a tooltip) `><title>…</title></rect>`-style closing for `tag`.
    static func closing(_ title: String?, tag: String = "rect") -> String {
        guard let title else { return "/>" }
        return "><title>\(escape(title))</title></\(tag)>"
    }

    /// A circle; `id` names it for a page that handles clicks on it.
    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String? = nil, id: String? = nil) {
        body += "<circle"
        body += SVG.idAttribute(id)
        attribute("cx", cx); attribute("cy", cy); attribute("r", r)
        attribute("fill", fill)
        if let stroke { attribute("stroke", stroke); body += " stroke-width=\"1\"" }
        body += "/>\n"
    }

    /// A line; `id` names it for a page that handles clicks on it.
    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, id: String? = nil,
                              title: String? = nil) {
        body += "<line"
        body += SVG.idAttribute(id)
        attribute("x1", x1); attribute("y1", y1); attribute("x2", x2); attribute("y2", y2)
        attribute("stroke", stroke); attribute("stroke-width", width)
        body += SVG.closing(title, tag: "line")
        body += "\n"
    }

    /// A raster image (a PNG file's bytes, embedded as a data URL), drawn with sharp pixels.
    /// A PNG stretched over the rectangle: its pixels as squares, or with `smooth` interpolated
    /// by the viewer (a heatmap without steps).
    public mutating func image(x: Double, y: Double, width: Double, height: Double, png: [UInt8], smooth: Bool = false) {
        body += "<image"
        attribute("x", x); attribute("y", y); attribute("width", width); attribute("height", height)
        body += " preserveAspectRatio=\"none\" style=\"image-rendering:"
        body += smooth ? "auto" : "pixelated"
        body += "\" href=\"data:image/png;base64,"
        body += Data(png).base64EncodedString()
        body += "\"/>\n"
    }

    static func idAttribute(_ id: String?) -> String { id.map { " id=\"\(escape($0))\"" } ?? "" }

    public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2) {
        body += "<polyline points=\""
        for (k, point) in points.enumerated() {
            if k > 0 { body += " " }
            body += SVG.number(point.x)
            body += ","
            body += SVG.number(point.y)
        }
        body += "\" fill=\"none\""
        attribute("stroke", stroke); attribute("stroke-width", width)
        body += "/>\n"
    }

    public mutating func text(_ s: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", fill: String = "#333333") {
        body += "<text"
        attribute("x", x); attribute("y", y)
        body += " font-family=\"sans-serif\""
        attribute("font-size", size); attribute("text-anchor", anchor); attribute("fill", fill)
        body += ">"
        body += SVG.escape(s)
        body += "</text>\n"
    }

    /// ` name="value"`, appended in place (no string per element: a playground state writes
    /// thousands of attributes).
    private mutating func attribute(_ name: String, _ value: Double) { attribute(name, SVG.number(value)) }

    private mutating func attribute(_ name: String, _ value: String) {
        body += " "
        body += name
        body += "=\""
        body += value
        body += "\""
    }

    /// The document.
    public var rendered: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVG.number(width))\" height=\"\(SVG.number(height))\" "
            + "viewBox=\"0 0 \(SVG.number(width)) \(SVG.number(height))\">\n" + (body.isEmpty ? "\n" : body) + "</svg>\n"
    }
}
