import Testing
@testable import Backprop

@Suite("JSON reader and writer")
struct JSONTests {
    @Test("numbers keep their text; strings unescape; nesting")
    func parse() throws {
        let v = try JSON.parse(#" {"a": [1, -2.5e-3, 0], "s": "q\"\\\n\u00e9\ud83d\ude00", "t": true, "n": null} "#)
        #expect(v["a"] == .array([.number("1"), .number("-2.5e-3"), .number("0")]))
        #expect(v["s"] == .string("q\"\\\né😀"))
        #expect(v["t"] == .bool(true) && v["n"] == .null)
    }

    @Test("a byte-order mark before the value is skipped (editors write one); elsewhere it is an error")
    func byteOrderMark() throws {
        #expect(try JSON.parse("\u{FEFF}{\"a\": 1}")["a"] == .number("1"))
        #expect(throws: JSONSyntaxError.self) { try JSON.parse("[1, \u{FEFF}2]") }
    }

    @Test("write then read gives the same value")
    func roundTrip() throws {
        let v = JSON.object([("k", .array([.number("1.5"), .string("tab\there"), .object([]), .array([])])),
                             ("nested", .array([.array([.number("1"), .number("2")])]))])
        #expect(try JSON.parse(v.serialized()) == v)
        #expect(try JSON.parse(v.serialized(pretty: true)) == v)
    }

    static let bad: [(String, Int, Int)] = [
        ("", 1, 1), ("[1,]", 1, 4), ("{\"a\" 1}", 1, 6), ("[01]", 1, 3), ("[1.]", 1, 4),
        ("\"abc", 1, 5), ("[1] x", 1, 5), ("{\n  \"a\": tru}", 2, 8), ("[-]", 1, 3), ("\"\\x\"", 1, 3),
    ]

    @Test("syntax errors give line and column", arguments: bad)
    func errors(_ text: String, _ line: Int, _ column: Int) {
        do {
            _ = try JSON.parse(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.line == line && error.column == column, "\(text): \(error)")
        }
    }

    @Test("deep nesting is an error, not a stack overflow")
    func depth() {
        #expect(throws: JSONSyntaxError.self) { _ = try JSON.parse(String(repeating: "[", count: 100_000)) }
    }

    @Test("NaN and infinity become null, finite numbers their shortest exact text")
    func numbers() {
        #expect(JSON.number(Double.nan) == .null)
        #expect(JSON.number(-Float.infinity) == .null)
        #expect(JSON.number(Float(0.1)) == .number("0.1"))
        #expect(JSON.number(0.1 + 0.2) == .number("0.30000000000000004"))
    }

    @Test("strings and keys are equal when their bytes are: two spellings of é differ")
    func equalityIsBytes() {
        let (precomposed, combining) = ("caf\u{E9}", "cafe\u{301}")
        #expect(precomposed == combining)                                   // Swift's String ==
        #expect(JSON.string(precomposed) != JSON.string(combining))
        #expect(JSON.object([(precomposed, .null)]) != JSON.object([(combining, .null)]))
        #expect(JSON.string(precomposed) == JSON.string("caf\u{E9}"))
    }
}
