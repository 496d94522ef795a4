/// A fast path for the usual decimal numbers of a data file (`12`, `-0.5`, `3.25e-4`): the
/// digits are read into an integer `m` and the number is `m · 10^e`, computed with one correctly
/// rounded multiplication or division when both factors are exact doubles (`m ≤ 2⁵³`,
/// `|e| ≤ 22`; Clinger's fast path), so the result is exactly `Double(text)`'s.
///
/// Anything else — more significant digits, larger exponents, `inf`, hexadecimal, a leading or
/// trailing `.`, non-ASCII spaces — gives nil, and the caller asks `Double(_:)`.
enum DecimalParser {
    private static let powers: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                           1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// The number in `text` (spaces and tabs around it allowed); nil when the fast path cannot
    /// tell. `decimalComma`: `,` is the decimal point (as well as `.`).
    static func parse(_ text: UnsafeBufferPointer<UInt8>, decimalComma: Bool) -> Double? {
        var i = 0, end = text.count
        while i < end && (text[i] == 32 || text[i] == 9) { i += 1 }
        while end > i && (text[end - 1] == 32 || text[end - 1] == 9) { end -= 1 }
        guard i < end else { return nil }
        var negative = false
        if text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") { negative = text[i] == UInt8(ascii: "-"); i += 1 }
        var mantissa: UInt64 = 0, digits = 0, exponent = 0
        var integerDigits = 0, fractionDigits = 0
        while i < end, case let d = text[i] &- 48, d < 10 {          // the integer part
            if mantissa != 0 || d != 0 { guard digits < 19 else { return nil }; mantissa = mantissa * 10 + UInt64(d); digits += 1 }
            integerDigits += 1
            i += 1
        }
        if i < end && (text[i] == UInt8(ascii: ".") || (decimalComma && text[i] == UInt8(ascii: ","))) {
            i += 1
            while i < end, case let d = text[i] &- 48, d < 10 {      // the fraction
                if mantissa != 0 || d != 0 { guard digits < 19 else { return nil }; mantissa = mantissa * 10 + UInt64(d); digits += 1 }
                exponent -= 1
                fractionDigits += 1
                i += 1
            }
            guard fractionDigits > 0 else { return nil }
        }
        guard integerDigits > 0 else { return nil }
        if i < end && (text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E")) {
            i += 1
            var negativeExponent = false
            if i < end && (text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+")) { negativeExponent = text[i] == UInt8(ascii: "-"); i += 1 }
            var e = 0, exponentDigits = 0
            while i < end, case let d = text[i] &- 48, d < 10 {
                guard e < 10_000 else { return nil }
                e = e * 10 + Int(d)
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += negativeExponent ? -e : e
        }
        guard i == end else { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0 }
        guard mantissa <= 1 << 53, (-22...22).contains(exponent) else { return nil }
        let m = Double(mantissa)
        let v = exponent < 0 ? m / powers[-exponent] : m * powers[exponent]
        return negative ? -v : v
    }
}
