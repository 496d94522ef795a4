import Foundation

/// Why a CSV file could not be read: `line` and `column` are 1-based (0 when not about one place).
///
/// `option` is what a `backprop train` option could do about it (`--missing drop leaves such rows
/// out`): the command line's description says it, in parentheses; the playground, which has no
/// such options, shows ``withoutOption``.
public struct CSVError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var option: String?

    public init(file: String, line: Int, column: Int, message: String, option: String? = nil) {
        (self.file, self.line, self.column, self.message, self.option) = (file, line, column, message, option)
    }

    public var description: String { withoutOption + (option.map { " (\($0))" } ?? "") }

    /// The description without the command-line option's advice.
    public var withoutOption: String {
        line > 0 ? "\(file): line \(line)\(column > 0 ? ", column \(column)" : ""): \(message)" : "\(file): \(message)"
    }
}

/// How to read a CSV file as a data set.
public struct CSVOptions: Sendable {
    public enum Header: String, CaseIterable, Sendable { case auto, yes, no }
    public enum Task: String, CaseIterable, Sendable { case auto, classification, regression }

    /// `auto`: the first row is a header when one of its feature fields is not a number.
    public var header: Header = .auto
    /// The label column, 1-based; nil for the last one. See also `labelName`.
    public var labelColumn: Int? = nil
    /// The label column by its header name (takes precedence over `labelColumn`).
    public var labelName: String? = nil
    /// `auto`: classification when the labels are not all numbers, or are whole numbers with at
    /// most `CSVOptions.maxAutoClasses` distinct values; regression otherwise.
    public var task: Task = .auto
    /// The field separator; nil: detected from the first row (``detectSeparator(_:)``).
    public var separator: UInt8? = nil
    /// What to do with a row that has an empty field: refuse it (naming line and column) or drop it.
    public var missing: Missing = .error
    public enum Missing: String, CaseIterable, Sendable { case error, drop }

    public static var maxAutoClasses: Int { 50 }

    public init() {}

    /// The separator of `text`: of `,`, `;` and tab, the one seen most often in its first line
    /// (outside quotes); `,` when none is. A line of numbers with decimal commas between
    /// semicolons (`5,1;3,5;1,4`) is `;` although its commas are more: every comma there sits
    /// between two digits, at most one a field.
    public static func detectSeparator(_ text: String) -> UInt8 { detectSeparator(bytes: text.utf8) }

    /// ``detectSeparator(_:)`` of UTF-8 bytes.
    static func detectSeparator<S: Sequence<UInt8>>(bytes: S) -> UInt8 {
        let (comma, semicolon, tab) = (UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"))
        var counts: [UInt8: Int] = [comma: 0, semicolon: 0, tab: 0]
        var quoted = false
        var line: [UInt8] = []                                          // the first line, outside quotes
        for b in bytes.drop(while: { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) {
            if b == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted && (b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r")) { break }
            if !quoted, let n = counts[b] { counts[b] = n + 1 }
            line.append(quoted ? 0 : b)
        }
        func isDigit(_ i: Int) -> Bool { line.indices.contains(i) && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[i]) }
        if counts[semicolon]! > 0 && counts[tab]! == 0,
           line.indices.allSatisfy({ line[$0] != comma || (isDigit($0 - 1) && isDigit($0 + 1)) }),
           line.split(separator: semicolon, omittingEmptySubsequences: false).allSatisfy({ $0.count(where: { $0 == comma }) <= 1 }) {
            return semicolon                                            // decimal commas
        }
        let best = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
        return best.map { $0.value > 0 ? $0.key : comma } ?? comma
    }

    /// `text` as an error message quotes it: control characters escaped (a quoted field may hold
    /// a line break, and an error is one line), at most 60 characters, else 40 then `…` and the
    /// length (a field of 10 MB made a 10 MB "one line" error). The one such helper: the CLI's and
    /// the playground's messages quote user text through it too.
    public static func excerpt(_ text: String) -> String {
        let shown = text.count <= 60 ? text : String(text.prefix(40))
        let escaped = shown.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }.joined()
        return text.count <= 60 ? escaped : escaped + "… (\(text.count) characters)"
    }

    /// A field as a number: trimmed, a decimal comma accepted when the separator is `;`; nil
    /// when it is not a finite number.
    public static func number(_ field: String, separator: UInt8) -> Double? {
        var t = field
        if let v = t.withUTF8({ DecimalParser.parse($0, decimalComma: separator == UInt8(ascii: ";")) }) { return v }
        t = t.trimmingCharacters(in: .whitespaces)
        if separator == UInt8(ascii: ";") { t = t.replacingOccurrences(of: ",", with: ".") }
        guard let v = Double(t), v.isFinite else { return nil }
        return v
    }
}

/// A field's number as `T`, or the reason it is not one: not a number, or beyond `T`'s range.
func scalar<T: Scalar>(_ field: String, separator: UInt8, as: T.Type) -> Result<T, FieldProblem> {
    guard let v = CSVOptions.number(field, separator: separator) else {
        return .failure(FieldProblem(field.trimmingCharacters(in: .whitespaces).isEmpty ? "an empty field is not a number" : "'\(CSVOptions.excerpt(field))' is not a number"))
    }
    let x = T(v)
    guard x.isFinite else { return .failure(FieldProblem("\(CSVOptions.excerpt(field.trimmingCharacters(in: .whitespaces))) is out of range for \(T.self) (at most ±\(T.greatestFiniteMagnitude))")) }
    return .success(x)
}

/// Why a field is not a number (``scalar(_:separator:as:)``).
struct FieldProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Splits CSV text into rows of fields (RFC 4180: quoted fields may hold separators, quotes
/// doubled, and line breaks). A UTF-8 byte-order mark is skipped; so are blank lines. Each row
/// keeps its 1-based line number.
public func parseCSV(_ text: String, separator: UInt8 = UInt8(ascii: ","), file: String) throws(CSVError) -> [(line: Int, fields: [String])] {
    let bytes = Array(text.utf8)
    return try withScanner(bytes, separator: separator, file: file) { (rows: inout CSVScanner) throws(CSVError) in
        var out: [(line: Int, fields: [String])] = []
        while try rows.next() { out.append((rows.line, (0..<rows.count).map(rows.string))) }
        return out
    }
}

/// Runs `body` with a scanner over `bytes`.
func withScanner<R>(_ bytes: [UInt8], separator: UInt8, file: String,
                    _ body: (inout CSVScanner) throws(CSVError) -> R) throws(CSVError) -> R {
    let result: Result<R, CSVError> = bytes.withUnsafeBufferPointer { p in
        var scanner = CSVScanner(p, separator: separator)
        scanner.file = file
        do throws(CSVError) { return .success(try body(&scanner)) } catch { return .failure(error) }
    }
    return try result.get()
}

extension Dataset {
    /// A data set from CSV text: one sample per row, the label in one column, every other
    /// column a numeric feature. Classification labels become one-hot columns; their names are
    /// sorted (numerically when all are numbers).
    ///
    /// ```swift
    /// let data = try Dataset<Float>.csv("x1,x2,label\n0,1,yes\n1,1,no\n", file: "toy.csv")
    /// data.classNames    // ["no", "yes"]
    /// ```
    ///
    /// With `classNames` (a test file read after its training file), labels map to those
    /// classes, and a label that is not one of them is an error.
    @_specialize(exported: true, where T == Float)
    public static func csv(_ text: String, options: CSVOptions = CSVOptions(), file: String,
                           classNames known: [String]? = nil) throws(CSVError) -> Dataset {
        try csv(bytes: Array(text.utf8), options: options, file: file, classNames: known)
    }

    /// ``csv(_:options:file:classNames:)`` of a file's bytes (UTF-8), read in one pass: the
    /// features are parsed straight into the matrix, and only the labels become text.
    @_specialize(exported: true, where T == Float)
    public static func csv(bytes: [UInt8], options: CSVOptions = CSVOptions(), file: String,
                           classNames known: [String]? = nil) throws(CSVError) -> Dataset {
        let separator = options.separator ?? CSVOptions.detectSeparator(bytes: bytes)
        let rows = try withScanner(bytes, separator: separator, file: file) { (rows: inout CSVScanner) throws(CSVError) in
            try readRows(&rows, options: options, bytes: bytes.count,
                         separatorLike: bytes.contains { $0 == UInt8(ascii: ";") || $0 == 9 || $0 == UInt8(ascii: ",") })
        }
        func number(_ s: String) -> Double? { CSVOptions.number(s, separator: separator) }
        let (x, labels, lines, label, featureNames) = (rows.x, rows.labels, rows.lines, rows.label, rows.featureNames)
        let numeric = labels.map(number)
        let allNumbers = !numeric.contains(nil)
        var task = options.task
        if known != nil { task = .classification }
        if task == .auto {
            let whole = allNumbers && numeric.allSatisfy { $0! == $0!.rounded() }
            task = !allNumbers || (whole && Set(labels).count <= CSVOptions.maxAutoClasses) ? .classification : .regression
        }
        if task == .regression {
            var y = Matrix<T>(rows: labels.count, cols: 1)
            for (r, text) in labels.enumerated() {
                switch scalar(text, separator: separator, as: T.self) {
                case .success(let v): y[r, 0] = v
                case .failure(let why): throw CSVError(file: file, line: lines[r], column: label + 1, message: "label: \(why) (regression needs numeric labels)")
                }
            }
            return Dataset(x: x, y: y, classNames: nil, featureNames: featureNames)
        }
        var names = Array(Set(labels))
        if allNumbers { names.sort { number($0)! < number($1)! } } else { names.sort() }
        if let known {
            if let r = labels.firstIndex(where: { !known.contains($0) }) {
                throw CSVError(file: file, line: lines[r], column: label + 1,
                               message: "label '\(labels[r])' is not one of the training classes (\(known.joined(separator: ", ")))")
            }
            names = known
        } else if names.count < 2 {
            throw CSVError(file: file, line: 0, column: label + 1,
                           message: "every label is '\(names.first ?? "")': classification needs at least 2 classes",
                           option: "--task regression for a numeric target")
        }
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })   // (a name given twice: its first class)
        return Dataset(x: x, y: oneHot(labels.map { index[$0] ?? 0 }, classes: names.count),
                       classNames: names, featureNames: featureNames)
    }

    /// The rows of a data file: the features as numbers, the labels as text with their lines.
    private struct Rows {
        var x: Matrix<T>, labels: [String], lines: [Int], label: Int, featureNames: [String]?
    }

    /// Reads every row: the width, the header, the label column, empty fields and numbers
    /// checked as it goes (the first problem in the file is the one reported).
    private static func readRows(_ rows: inout CSVScanner, options: CSVOptions, bytes: Int,
                                 separatorLike: Bool) throws(CSVError) -> Rows {
        let file = rows.file
        guard try rows.next() else { throw CSVError(file: file, line: 0, column: 0, message: "the file has no rows") }
        let width = rows.count, firstLine = rows.line
        guard width >= 2 else {
            let separator = rows.separator
            let hint = !separatorLike ? nil : "the separator is '\(separator == 9 ? "tab" : String(UnicodeScalar(separator)))'; give another with --delimiter"
            throw CSVError(file: file, line: firstLine, column: 0, message: "a data row needs at least 2 columns (features and a label), found \(width)", option: hint)
        }
        var label = (options.labelColumn ?? width) - 1
        guard (0..<width).contains(label) else {
            throw CSVError(file: file, line: 0, column: 0, message: "label column \(label + 1) does not exist; the rows have \(width) columns")
        }
        let hasHeader: Bool
        switch options.header {
        case .yes: hasHeader = true
        case .no: hasHeader = false
        case .auto: hasHeader = (0..<width).contains { $0 != label && rows.isText($0) }
        }
        var header: [String]? = nil
        if hasHeader { header = (0..<width).map(rows.trimmed) }
        if let name = options.labelName {
            guard let header, let index = header.firstIndex(of: name) else {
                throw CSVError(file: file, line: 0, column: 0, message: hasHeader ? "no column named \"\(CSVOptions.excerpt(name))\" in the header" : "--label-column \(CSVOptions.excerpt(name)) needs a header row")
            }
            if let again = header.indices.first(where: { $0 > index && header[$0] == name }) {
                throw CSVError(file: file, line: 0, column: 0, message: "the header names columns \(index + 1) and \(again + 1) \"\(CSVOptions.excerpt(name))\"; give the label column by its number")
            }
            label = index
        }
        let featureColumns = (0..<width).filter { $0 != label }
        // Room for the most rows the bytes can hold (≥ 2 bytes a field): no reallocation, and a large
        // set's matrix in 2 MB pages (Matrix+Storage.swift).
        var values = Matrix<T>.emptyStorage(capacity: bytes / max(1, 2 * width) * featureColumns.count)
        var labels: [String] = [], lines: [Int] = []
        var row = [T](repeating: 0, count: featureColumns.count)
        var more = hasHeader ? try rows.next() : true
        while more {
            guard rows.count == width else {
                throw CSVError(file: file, line: rows.line, column: 0, message: "has \(rows.count) fields, line \(firstLine) has \(width)")
            }
            var complete = true
            for (c, column) in featureColumns.enumerated() {
                if let v = rows.number(column), case let x = T(v), x.isFinite { row[c] = x; continue }   // the usual case
                complete = false
                break
            }
            if !complete || rows.isBlank(label) {                       // an empty field, or a bad one
                if let c = (0..<width).first(where: { rows.isBlank($0) }) {
                    guard options.missing == .drop else {
                        throw CSVError(file: file, line: rows.line, column: c + 1,
                                       message: "\(c == label ? "an empty label" : "an empty field is not a number")",
                                       option: "fill it in, or --missing drop leaves such rows out")
                    }
                    more = try rows.next()
                    continue
                }
                for (c, column) in featureColumns.enumerated() {
                    switch scalar(rows.string(column), separator: rows.separator, as: T.self) {
                    case .success(let v): row[c] = v
                    case .failure(let why): throw CSVError(file: file, line: rows.line, column: column + 1, message: "\(why) (feature columns must be numeric)")
                    }
                }
            }
            values.append(contentsOf: row)
            labels.append(rows.trimmed(label))
            lines.append(rows.line)
            more = try rows.next()
        }
        guard !labels.isEmpty else {
            throw CSVError(file: file, line: 0, column: 0, message: hasHeader ? "the file has a header but no data rows" : "the file has no data rows")
        }
        return Rows(x: Matrix(rows: labels.count, cols: featureColumns.count, storage: values), labels: labels, lines: lines,
                    label: label, featureNames: header.map { h in featureColumns.map { h[$0] } })
    }
}

/// Rows of numbers from CSV text (what `predict --csv` reads): the separator detected, a header
/// row skipped when it is not all numbers (every row then as wide as it), every field a finite
/// `T`, or an error naming its line and column. Throws when there is no data row.
public func numberRows<T: Scalar>(_ text: String, file: String, as: T.Type = T.self) throws(CSVError) -> [[T]] {
    let bytes = Array(text.utf8)
    let separator = CSVOptions.detectSeparator(bytes: bytes)
    var header: (line: Int, width: Int)? = nil
    let out: [[T]] = try withScanner(bytes, separator: separator, file: file) { (rows: inout CSVScanner) throws(CSVError) in
        var out: [[T]] = []
        var first = true
        while try rows.next() {
            // A header: a field that is text (an empty one is a missing number, not a name: as `train` reads).
            if first && (0..<rows.count).contains(where: { rows.isText($0) }) { first = false; header = (rows.line, rows.count); continue }
            first = false
            // A header that names more or fewer columns than a row holds describes another file.
            if let header, rows.count != header.width {
                throw CSVError(file: file, line: rows.line, column: 0, message: "has \(rows.count) fields, line \(header.line) (the header) has \(header.width)")
            }
            var values: [T] = []
            for c in 0..<rows.count {
                switch scalar(rows.string(c), separator: separator, as: T.self) {
                case .success(let v): values.append(v)
                case .failure(let why): throw CSVError(file: file, line: rows.line, column: c + 1, message: why.description)
                }
            }
            out.append(values)
        }
        return out
    }
    guard !out.isEmpty else {
        throw CSVError(file: file, line: 0, column: 0, message: "the file has no rows of numbers"
                       + (header.map { ": its one row (line \($0.line)) has a field that is not a number, and was taken for a header" } ?? ""))
    }
    return out
}
