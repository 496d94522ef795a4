/// A JSON value whose numbers keep their exact text, so a `Float` or a `Double` read from a file
/// is the one that was written (no detour through another type).
///
/// ```swift
/// let value = try JSON.parse(#"{"weights": [[0.15, 0.2]]}"#)
/// value["weights"]?[0]?[1]?.number       // "0.2"
/// value.serialized()                      // {"weights": [[0.15, 0.2]]}
/// ```
public indirect enum JSON: Equatable, Sendable {
    case object([(key: String, value: JSON)])
    case array([JSON])
    case string(String)
    /// A number as written, e.g. `"-1.5e-3"`.
    case number(String)
    case bool(Bool)
    case null

    /// Equal when they would be written alike: strings (and keys) are compared as UTF-8 bytes,
    /// not by Swift's `String ==`, which calls two spellings of `é` (precomposed, or `e` and a
    /// combining accent) equal although they are different text to the reader of the file.
    public static func == (l: JSON, r: JSON) -> Bool {
        switch (l, r) {
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key.utf8.elementsEqual($1.key.utf8) && $0.value == $1.value }
        case let (.array(a), .array(b)): return a == b
        case let (.string(a), .string(b)): return a.utf8.elementsEqual(b.utf8)
        case let (.number(a), .number(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    /// A number from a floating-point value, written in its shortest exact form; `null` for
    /// NaN and ±∞, which JSON cannot hold.
    public static func number<F: BinaryFloatingPoint & LosslessStringConvertible>(_ x: F) -> JSON {
        x.isFinite ? .number(x.description) : .null
    }

    /// A number from an integer.
    public static func number<I: BinaryInteger>(_ x: I) -> JSON { .number(String(x)) }

    /// The member `key` of an object.
    public subscript(key: String) -> JSON? {
        if case .object(let members) = self { return members.first { $0.key == key }?.value }
        return nil
    }

    /// Element `i` of an array.
    public subscript(i: Int) -> JSON? {
        if case .array(let items) = self, items.indices.contains(i) { return items[i] }
        return nil
    }

    /// The text of a number, or nil.
    public var number: String? { if case .number(let s) = self { return s } else { return nil } }
    /// The string, or nil.
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The elements of an array, or nil.
    public var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    /// The members of an object, or nil.
    public var members: [(key: String, value: JSON)]? {
        if case .object(let m) = self { return m } else { return nil }
    }

    /// What this value is, for error messages ("an object", "a number", …).
    public var kind: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}

// MARK: - Writing

extension JSON {
    /// The JSON text. With `pretty`, objects put one member per line, and arrays of numbers
    /// (a bias vector, one row of weights) stay on one line so a weight matrix reads as a matrix.
    public func serialized(pretty: Bool = false) -> String {
        var out = ""
        write(to: &out, pretty: pretty, indent: 0)
        return out
    }

    private func write(to out: inout String, pretty: Bool, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let s): out += s
        case .string(let s): JSON.writeString(s, to: &out)
        case .array(let items):
            let flat = !pretty || items.allSatisfy { if case .number = $0 { return true } else { return false } }
            if flat || items.isEmpty {
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += ", " }
                    item.write(to: &out, pretty: pretty, indent: indent + 1)
                }
                out += "]"
            } else {
                out += "[\n"
                for (i, item) in items.enumerated() {
                    out += pad
                    item.write(to: &out, pretty: pretty, indent: indent + 1)
                    out += i == items.count - 1 ? "\n" : ",\n"
                }
                out += closePad + "]"
            }
        case .object(let members):
            if !pretty || members.isEmpty {
                out += "{"
                for (i, m) in members.enumerated() {
                    if i > 0 { out += ", " }
                    JSON.writeString(m.key, to: &out)
                    out += ": "
                    m.value.write(to: &out, pretty: false, indent: 0)
                }
                out += "}"
            } else {
                out += "{\n"
                for (i, m) in members.enumerated() {
                    out += pad
                    JSON.writeString(m.key, to: &out)
                    out += ": "
                    m.value.write(to: &out, pretty: true, indent: indent + 1)
                    out += i == members.count - 1 ? "\n" : ",\n"
                }
                out += closePad + "}"
            }
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        // Byte by byte over UTF-8: only `"`, `\\` and control characters (all ASCII) change;
        // every other byte, including those of multi-byte characters, is copied as it is.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + s.utf8.count / 8 + 2)
        bytes.append(UInt8(ascii: "\""))
        func escaped(_ b: UInt8) { bytes.append(UInt8(ascii: "\\")); bytes.append(b) }
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): escaped(b)
            case 0x0A: escaped(UInt8(ascii: "n"))
            case 0x0D: escaped(UInt8(ascii: "r"))
            case 0x09: escaped(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex = Array(String(b, radix: 16).utf8)
                bytes += Array("\\u00".utf8) + (hex.count == 1 ? [UInt8(ascii: "0")] : []) + hex
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        out += String(decoding: bytes, as: UTF8.self)
    }
}
