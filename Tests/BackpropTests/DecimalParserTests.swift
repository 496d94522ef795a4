import Foundation
import Testing
@testable import Backprop

/// The CSV reader's fast number path gives exactly `Double(text)`, or hands over (nil).
@Suite struct DecimalParserTests {
    static func parse(_ text: String, comma: Bool = false) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { DecimalParser.parse($0, decimalComma: comma) }
    }

    @Test func usualNumbersAreExactlyDoubles() {
        for text in ["0", "-0", "+0", "7", "255", "-12", "0.5", "3.25e-4", "1E5", "-2.5e+3", "00012", "0.1", "0.2", "0.3",
                     "12345678901234", "9007199254740992", "1e22", "1e-22", "4.35", "  1.5\t", "0.0000001"] {
            let fast = Self.parse(text)
            #expect(fast != nil, "\(text)")
            let reference = Double(text.trimmingCharacters(in: .whitespaces))
            #expect(fast == reference && fast?.sign == reference?.sign, "\(text): \(String(describing: fast)) vs \(String(describing: reference))")
        }
    }

    @Test func randomDecimalsAgreeBitForBit() {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<20_000 {
            let digits = 1 + Int(rng.next() % 17), point = Int(rng.next() % UInt64(digits + 1))
            var text = (rng.next() % 2 == 0 ? "-" : "") + String((0..<digits).map { _ in Character(String(rng.next() % 10)) })
            if point > 0 && point < digits { text.insert(".", at: text.index(text.endIndex, offsetBy: -point)) }
            if rng.next() % 3 == 0 { text += "e\(Int(rng.next() % 30) - 15)" }
            guard let fast = Self.parse(text) else { continue }             // handed over: fine
            #expect(fast.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
    }

    @Test func anythingElseIsHandedOver() {
        for text in ["", " ", "-", ".5", "5.", "1e", "1e+", "abc", "1,5", "0x10", "inf", "nan", "1.2.3", "1 2", "١٢",
                     "12345678901234567890", "123456789012345678", "1e400", "1e23"] {
            #expect(Self.parse(text) == nil, "\(text)")
        }
        #expect(Self.parse("1,5", comma: true) == 1.5 && Self.parse("1.5", comma: true) == 1.5)
        #expect(CSVOptions.number("1e23", separator: 44) == 1e23)
    }

    @Test("quoted user text in a message: control characters escaped, long text cut to 40 characters and its length")
    func excerpt() {
        #expect(CSVOptions.excerpt("a\nb\u{7}") == "a\\nb\\u{07}")
        #expect(CSVOptions.excerpt(String(repeating: "x", count: 60)) == String(repeating: "x", count: 60))
        #expect(CSVOptions.excerpt(String(repeating: "x", count: 61)) == String(repeating: "x", count: 40) + "… (61 characters)")
    }
}
