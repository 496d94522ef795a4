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
    /// The elements so far as UTF-8, each followed by a newline (bytes, not a String: appending
    /// to an array costs a fraction of a String's append, and a playground state makes thousands).
    private var body: [UInt8] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A number as SVG writes it: at most two decimals, no trailing zeros.
    public static func number(_ x: Double) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            String(decoding: UnsafeBufferPointer(start: buffer.baseAddress, count: writeNumber(x, to: buffer.baseAddress!)), as: UTF8.self)
        }
    }

    /// Writes ``number(_:)``'s characters to `out` (at most 24 bytes); returns how many. The
    /// hundredths, rounded to even, as an integer: `-`, the whole part, then `.` and one or two
    /// digits unless they are zero (not finite: `0`; beyond 10¹³: the nearest integer, clamped to
    /// ±9.2·10¹⁸).
    static func writeNumber(_ x: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var count = 0
        func digits(_ v: UInt64) {                     // v's decimal digits, most significant first
            var n = 1, t = v
            while t >= 10 { t /= 10; n += 1 }
            var v = v
            for k in stride(from: n - 1, through: 0, by: -1) { out[count + k] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10 }
            count += n
        }
        guard x.isFinite else { out[0] = UInt8(ascii: "0"); return 1 }
        let hundredths = (x * 100).rounded(.toNearestOrEven)
        guard abs(hundredths) < 1e15 else {
            let r = x.rounded()
            if r < 0 { out[count] = UInt8(ascii: "-"); count += 1 }
            digits(abs(r) >= 9.2e18 ? 9_200_000_000_000_000_000 : UInt64(abs(r)))
            return count
        }
        let n = Int64(hundredths), whole = UInt64(abs(n) / 100), fraction = Int(abs(n) % 100)
        if n < 0 { out[count] = UInt8(ascii: "-"); count += 1 }
        digits(whole)
        if fraction != 0 {
            out[count] = UInt8(ascii: "."); count += 1
            out[count] = UInt8(ascii: "0") + UInt8(fraction / 10); count += 1
            if fraction % 10 != 0 { out[count] = UInt8(ascii: "0") + UInt8(fraction % 10); count += 1 }
        }
        return count
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
        emit("<rect")
        put(SVG.idAttribute(id))
        attribute("x", x); attribute("y", y); attribute("width", width); attribute("height", height)
        attribute("fill", fill)
        if let stroke { attribute("stroke", stroke) }
        if let strokeWidth { attribute("stroke-width", strokeWidth) }
        put(SVG.closing(title))
        emit("\n")
    }

    /// `/>`, or with a title (a tooltip) `><title>…</title></rect>`-style closing for `tag`.
    static func closing(_ title: String?, tag: String = "rect") -> String {
        guard let title else { return "/>" }
        return "><title>\(escape(title))</title></\(tag)>"
    }

    /// A circle; `id` names it for a page that handles clicks on it.
    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String? = nil, id: String? = nil) {
        emit("<circle")
        put(SVG.idAttribute(id))
        attribute("cx", cx); attribute("cy", cy); attribute("r", r)
        attribute("fill", fill)
        if let stroke { attribute("stroke", stroke); emit(" stroke-width=\"1\"") }
        emit("/>\n")
    }

    /// A line; `id` names it for a page that handles clicks on it.
    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, id: String? = nil,
                              title: String? = nil) {
        emit("<line")
        put(SVG.idAttribute(id))
        attribute("x1", x1); attribute("y1", y1); attribute("x2", x2); attribute("y2", y2)
        attribute("stroke", stroke); attribute("stroke-width", width)
        put(SVG.closing(title, tag: "line"))
        emit("\n")
    }

    /// A raster image (a PNG file's bytes, embedded as a data URL), drawn with sharp pixels.
    /// A PNG stretched over the rectangle: its pixels as squares, or with `smooth` interpolated
    /// by the viewer (a heatmap without steps).
    public mutating func image(x: Double, y: Double, width: Double, height: Double, png: [UInt8], smooth: Bool = false) {
        emit("<image")
        attribute("x", x); attribute("y", y); attribute("width", width); attribute("height", height)
        emit(" preserveAspectRatio=\"none\" style=\"image-rendering:")
        if smooth { emit("auto") } else { emit("pixelated") }
        emit("\" href=\"data:image/png;base64,")
        put(Data(png).base64EncodedString())
        emit("\"/>\n")
    }

    static func idAttribute(_ id: String?) -> String { id.map { " id=\"\(escape($0))\"" } ?? "" }

    public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2) {
        emit("<polyline points=\"")
        for (k, point) in points.enumerated() {
            if k > 0 { emit(" ") }
            put(point.x)
            emit(",")
            put(point.y)
        }
        emit("\" fill=\"none\"")
        attribute("stroke", stroke); attribute("stroke-width", width)
        emit("/>\n")
    }

    public mutating func text(_ s: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", fill: String = "#333333") {
        emit("<text")
        attribute("x", x); attribute("y", y)
        emit(" font-family=\"sans-serif\"")
        attribute("font-size", size); attribute("text-anchor", anchor); attribute("fill", fill)
        emit(">")
        put(SVG.escape(s))
        emit("</text>\n")
    }

    /// ` name="value"`, appended in place (no string per element: a playground state writes
    /// thousands of attributes).
    private mutating func attribute(_ name: StaticString, _ value: Double) {
        emit(" "); emit(name); emit("=\""); put(value); emit("\"")
    }

    private mutating func attribute(_ name: StaticString, _ value: String) {
        emit(" "); emit(name); emit("=\""); put(value); emit("\"")
    }

    private mutating func put(_ text: String) { body.append(contentsOf: text.utf8) }

    /// A literal's bytes as they are, without a String in between (the names and punctuation of
    /// the thousands of elements in a playground state).
    private mutating func emit(_ text: StaticString) {
        body.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func put(_ x: Double) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            body.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress, count: SVG.writeNumber(x, to: buffer.baseAddress!)))
        }
    }

    /// The document.
    public var rendered: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVG.number(width))\" height=\"\(SVG.number(height))\" "
            + "viewBox=\"0 0 \(SVG.number(width)) \(SVG.number(height))\">\n" + (body.isEmpty ? "\n" : String(decoding: body, as: UTF8.self))
            + "</svg>\n"
    }
}
