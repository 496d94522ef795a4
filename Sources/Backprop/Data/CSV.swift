import Foundation

/// Why a CSV file could not be read: `line` and `column` are 1-based (0 when not about one place).
public struct CSVError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var description: String {
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
    /// (outside quotes); `,` when none is.
    public static func detectSeparator(_ text: String) -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, UInt8(ascii: "\t"): 0]
        var quoted = false
        for b in text.utf8.drop(while: { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) {
            if b == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted && (b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r")) { break }
            if !quoted, let n = counts[b] { counts[b] = n + 1 }
        }
        let best = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
        return best.map { $0.value > 0 ? $0.key : UInt8(ascii: ",") } ?? UInt8(ascii: ",")
    }

    /// A field as a number: trimmed, a decimal comma accepted when the separator is `;`; nil
    /// when it is not a finite number.
    public static func number(_ field: String, separator: UInt8) -> Double? {
        var t = field.trimmingCharacters(in: .whitespaces)
        if separator == UInt8(ascii: ";") { t = t.replacingOccurrences(of: ",", with: ".") }
        guard let v = Double(t), v.isFinite else { return nil }
        return v
    }
}

/// A field's number as `T`, or the reason it is not one: not a number, or beyond `T`'s range.
func scalar<T: Scalar>(_ field: String, separator: UInt8, as: T.Type) -> Result<T, FieldProblem> {
    guard let v = CSVOptions.number(field, separator: separator) else {
        return .failure(FieldProblem(field.trimmingCharacters(in: .whitespaces).isEmpty ? "an empty field is not a number" : "'\(field)' is not a number"))
    }
    let x = T(v)
    guard x.isFinite else { return .failure(FieldProblem("\(field.trimmingCharacters(in: .whitespaces)) is out of range for \(T.self) (at most ±\(T.greatestFiniteMagnitude))")) }
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
    var rows: [(line: Int, fields: [String])] = []
    var fields: [String] = []
    var field: [UInt8] = []
    var quoted = false, wasQuoted = false
    var line = 1, rowLine = 1
    let bytes = Array(text.utf8)
    var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0          // a byte-order mark
    func endField() {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        wasQuoted = false
    }
    func endRow() {
        endField()
        if !(fields.count == 1 && fields[0].allSatisfy(\.isWhitespace)) { rows.append((rowLine, fields)) }
        fields.removeAll()
    }
    while i < bytes.count {
        let b = bytes[i]
        if quoted {
            if b == UInt8(ascii: "\"") {
                if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") { field.append(b); i += 1 } else { quoted = false }
            } else {
                if b == UInt8(ascii: "\n") { line += 1 }
                field.append(b)
            }
        } else if b == UInt8(ascii: "\"") && field.isEmpty && !wasQuoted {
            quoted = true
            wasQuoted = true
        } else if b == separator {
            endField()
        } else if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
            if b == UInt8(ascii: "\r") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
            endRow()
            line += 1
            rowLine = line
        } else {
            field.append(b)
        }
        i += 1
    }
    if quoted { throw CSVError(file: file, line: rowLine, column: fields.count + 1, message: "a quoted field is not closed") }
    if !field.isEmpty || !fields.isEmpty { endRow() }
    return rows
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
        let separator = options.separator ?? CSVOptions.detectSeparator(text)
        var rows = try parseCSV(text, separator: separator, file: file)
        guard let first = rows.first else { throw CSVError(file: file, line: 0, column: 0, message: "the file has no rows") }
        let width = first.fields.count
        guard width >= 2 else {
            let hint = text.utf8.contains(UInt8(ascii: ";")) || text.utf8.contains(UInt8(ascii: "\t")) || text.utf8.contains(UInt8(ascii: ","))
                ? " (the separator is '\(separator == 9 ? "tab" : String(UnicodeScalar(separator)))'; give another with --delimiter)" : ""
            throw CSVError(file: file, line: first.line, column: 0, message: "a data row needs at least 2 columns (features and a label), found \(width)\(hint)")
        }
        if let bad = rows.first(where: { $0.fields.count != width }) {
            throw CSVError(file: file, line: bad.line, column: 0, message: "has \(bad.fields.count) fields, line \(first.line) has \(width)")
        }
        func number(_ s: String) -> Double? { CSVOptions.number(s, separator: separator) }
        var label = (options.labelColumn ?? width) - 1
        guard (0..<width).contains(label) else {
            throw CSVError(file: file, line: 0, column: 0, message: "label column \(label + 1) does not exist; the rows have \(width) columns")
        }
        let hasHeader: Bool
        switch options.header {
        case .yes: hasHeader = true
        case .no: hasHeader = false
        case .auto: hasHeader = first.fields.enumerated().contains { $0.offset != label && !$0.element.isEmpty && number($0.element) == nil }
        }
        var header: [String]? = nil
        if hasHeader {
            header = rows.removeFirst().fields.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if let name = options.labelName {
            guard let header, let index = header.firstIndex(of: name) else {
                throw CSVError(file: file, line: 0, column: 0, message: hasHeader ? "no column named \"\(name)\" in the header" : "--label-column \(name) needs a header row")
            }
            label = index
        }
        // Empty fields: an error naming the place, or (--missing drop) the row is left out.
        let isEmpty = { (field: String) in field.trimmingCharacters(in: .whitespaces).isEmpty }
        if options.missing == .drop {
            rows.removeAll { $0.fields.contains(where: isEmpty) }
        } else if let r = rows.firstIndex(where: { $0.fields.contains(where: isEmpty) }), let c = rows[r].fields.firstIndex(where: isEmpty) {
            throw CSVError(file: file, line: rows[r].line, column: c + 1,
                           message: "\(c == label ? "an empty label" : "an empty field is not a number") (fill it in, or --missing drop leaves such rows out)")
        }
        guard !rows.isEmpty else { throw CSVError(file: file, line: 0, column: 0, message: hasHeader ? "the file has a header but no data rows" : "the file has no data rows") }
        let featureColumns = (0..<width).filter { $0 != label }
        var x = Matrix<T>(rows: rows.count, cols: featureColumns.count)
        for (r, row) in rows.enumerated() {
            for (c, column) in featureColumns.enumerated() {
                switch scalar(row.fields[column], separator: separator, as: T.self) {
                case .success(let v): x[r, c] = v
                case .failure(let why): throw CSVError(file: file, line: row.line, column: column + 1, message: "\(why) (feature columns must be numeric)")
                }
            }
        }
        let labels = rows.map { $0.fields[label].trimmingCharacters(in: .whitespaces) }
        let numeric = labels.map(number)
        let allNumbers = !numeric.contains(nil)
        var task = options.task
        if known != nil { task = .classification }
        if task == .auto {
            let whole = allNumbers && numeric.allSatisfy { $0! == $0!.rounded() }
            task = !allNumbers || (whole && Set(labels).count <= CSVOptions.maxAutoClasses) ? .classification : .regression
        }
        let featureNames = header.map { h in featureColumns.map { h[$0] } }
        if task == .regression {
            var y = Matrix<T>(rows: rows.count, cols: 1)
            for (r, row) in rows.enumerated() {
                switch scalar(row.fields[label], separator: separator, as: T.self) {
                case .success(let v): y[r, 0] = v
                case .failure(let why): throw CSVError(file: file, line: row.line, column: label + 1, message: "label: \(why) (regression needs numeric labels)")
                }
            }
            return Dataset(x: x, y: y, classNames: nil, featureNames: featureNames)
        }
        var names = Array(Set(labels))
        if allNumbers { names.sort { number($0)! < number($1)! } } else { names.sort() }
        if let known {
            if let r = labels.firstIndex(where: { !known.contains($0) }) {
                throw CSVError(file: file, line: rows[r].line, column: label + 1,
                               message: "label '\(labels[r])' is not one of the training classes (\(known.joined(separator: ", ")))")
            }
            names = known
        } else if names.count < 2 {
            throw CSVError(file: file, line: 0, column: label + 1,
                           message: "every label is '\(names.first ?? "")': classification needs at least 2 classes (--task regression for a numeric target)")
        }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        return Dataset(x: x, y: oneHot(labels.map { index[$0] ?? 0 }, classes: names.count),
                       classNames: names, featureNames: featureNames)
    }
}

/// Rows of numbers from CSV text (what `predict --csv` reads): the separator detected, a header
/// row skipped when it is not all numbers, every field a finite `T`, or an error naming its line
/// and column. Throws when there is no data row.
public func numberRows<T: Scalar>(_ text: String, file: String, as: T.Type = T.self) throws(CSVError) -> [[T]] {
    let separator = CSVOptions.detectSeparator(text)
    var rows = try parseCSV(text, separator: separator, file: file)
    if let first = rows.first, first.fields.contains(where: { CSVOptions.number($0, separator: separator) == nil }) {
        rows.removeFirst()    // a header
    }
    guard !rows.isEmpty else { throw CSVError(file: file, line: 0, column: 0, message: "the file has no rows of numbers") }
    var out: [[T]] = []
    for row in rows {
        var values: [T] = []
        for (c, field) in row.fields.enumerated() {
            switch scalar(field, separator: separator, as: T.self) {
            case .success(let v): values.append(v)
            case .failure(let why): throw CSVError(file: file, line: row.line, column: c + 1, message: why.description)
            }
        }
        out.append(values)
    }
    return out
}
