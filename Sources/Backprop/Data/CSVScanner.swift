/// CSV bytes read a row at a time, each field a byte range (no `String` per field), so that a
/// large file of numbers parses at the speed of its bytes (RFC 4180, as ``parseCSV(_:separator:file:)``).
///
/// | rule                        | how                                                                |
/// |-----------------------------|--------------------------------------------------------------------|
/// | a quoted field              | `"` at a field's start opens it; `""` inside is one `"`; it may hold separators and line breaks |
/// | a row's end                 | `\n`, `\r\n` or `\r` outside quotes                                |
/// | a blank row                 | one field of whitespace: skipped                                   |
/// | a byte-order mark           | skipped                                                            |
///
/// ```swift
/// let bytes = Array("a,b\n1,\"x,y\"\n".utf8)
/// bytes.withUnsafeBufferPointer { p in
///     var rows = CSVScanner(p, separator: UInt8(ascii: ","))
///     while (try? rows.next()) == true { print(rows.line, rows.string(1)) }    // 1 b, 2 x,y
/// }
/// ```
public struct CSVScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    public let separator: UInt8
    private var position: Int
    private var nextLine = 1
    /// The current row's 1-based line.
    public private(set) var line = 0
    /// The current row's fields: where each starts and ends in the bytes (a quoted field's range
    /// includes its quotes), and whether it was quoted.
    private var fields: [Field] = []
    private struct Field { var start: Int, end: Int, quoted: Bool }
    /// The file's name, for errors.
    public var file = ""

    /// A scanner over `bytes` (which must stay valid while it is used).
    public init(_ bytes: UnsafeBufferPointer<UInt8>, separator: UInt8) {
        self.bytes = bytes
        self.separator = separator
        position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0        // a byte-order mark
    }

    /// Number of fields in the current row.
    public var count: Int { fields.count }

    /// Moves to the next row that is not blank; false at the end of the bytes.
    public mutating func next() throws(CSVError) -> Bool {
        while position < bytes.count {
            try readRow()
            if !(count == 1 && isBlank(0, unicode: true)) { return true }
        }
        return false
    }

    private mutating func readRow() throws(CSVError) {
        fields.removeAll(keepingCapacity: true)
        line = nextLine
        let (quote, newline, carriage) = (UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r"))
        var i = position
        while true {                                        // one field per turn
            let start = i
            var wasQuoted = false
            if i < bytes.count && bytes[i] == quote {           // a quoted part, then plain bytes
                wasQuoted = true
                i += 1
                while true {
                    guard i < bytes.count else {
                        throw CSVError(file: file, line: line, column: count + 1, message: "a quoted field is not closed")
                    }
                    let b = bytes[i]
                    if b == quote {
                        if i + 1 < bytes.count && bytes[i + 1] == quote { i += 2; continue }
                        i += 1
                        break
                    }
                    if b == newline { nextLine += 1 }
                    i += 1
                }
            }
            while i < bytes.count {
                let b = bytes[i]
                if b == separator || b == newline || b == carriage { break }
                i += 1
            }
            fields.append(Field(start: start, end: i, quoted: wasQuoted))
            if i < bytes.count && bytes[i] == separator { i += 1; continue }
            if i < bytes.count {                                // the row's end
                if bytes[i] == carriage && i + 1 < bytes.count && bytes[i + 1] == newline { i += 1 }
                i += 1
                nextLine += 1
            }
            position = i
            return
        }
    }

    /// Field `k`'s bytes (a quoted field's with its quotes).
    public func bytes(_ k: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[fields[k].start..<fields[k].end]) }

    /// Field `k` as text (a quoted field without its quotes, `""` as `"`).
    public func string(_ k: Int) -> String {
        let raw = bytes(k)
        guard fields[k].quoted else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 1, inside = true
        while i < raw.count {
            let b = raw[i]
            if inside && b == UInt8(ascii: "\"") {
                if i + 1 < raw.count && raw[i + 1] == UInt8(ascii: "\"") { out.append(b); i += 2; continue }
                inside = false
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether field `k` is empty or only spaces and tabs (`unicode`: or any Unicode whitespace).
    public func isBlank(_ k: Int, unicode: Bool = false) -> Bool {
        let raw = bytes(k)
        if raw.allSatisfy({ $0 == 32 || $0 == 9 }) { return true }
        if !fields[k].quoted && !raw.contains(where: { $0 >= 0x80 || $0 == 11 || $0 == 12 }) { return false }
        let text = string(k)
        return unicode ? text.allSatisfy(\.isWhitespace) : text.trimmingCharacters(in: .whitespaces).isEmpty
    }

    /// Field `k` trimmed of whitespace, as text.
    public func trimmed(_ k: Int) -> String {
        let raw = bytes(k)
        if !fields[k].quoted, let first = raw.first, let last = raw.last, first > 32 && first < 0x80 && last > 32 && last < 0x80 {
            return String(decoding: raw, as: UTF8.self)
        }
        return string(k).trimmingCharacters(in: .whitespaces)
    }

    /// Whether field `k` is text, as a header's names are: not empty (a missing value) and not a number.
    public func isText(_ k: Int) -> Bool { !string(k).isEmpty && number(k) == nil }

    /// Field `k` as a finite number (``CSVOptions/number(_:separator:)``), or nil.
    public func number(_ k: Int) -> Double? {
        if !fields[k].quoted, let v = DecimalParser.parse(bytes(k), decimalComma: separator == UInt8(ascii: ";")) { return v }
        return CSVOptions.number(string(k), separator: separator)
    }
}
