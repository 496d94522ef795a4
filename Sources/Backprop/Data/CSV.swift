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
    /// The field separator.
    public var separator: UInt8 = UInt8(ascii: ",")

    public static var maxAutoClasses: Int { 50 }

    public init() {}
}

/// Splits CSV text into rows of fields (RFC 4180: quoted fields may hold separators, quotes
/// doubled, and line breaks). Blank lines are skipped. Each row keeps its 1-based line number.
public func parseCSV(_ text: String, separator: UInt8 = UInt8(ascii: ","), file: String) throws(CSVError) -> [(line: Int, fields: [String])] {
    var rows: [(line: Int, fields: [String])] = []
    var fields: [String] = []
    var field: [UInt8] = []
    var quoted = false, wasQuoted = false
    var line = 1, rowLine = 1
    let bytes = Array(text.utf8)
    var i = 0
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
        var rows = try parseCSV(text, separator: options.separator, file: file)
        guard let first = rows.first else { throw CSVError(file: file, line: 0, column: 0, message: "the file has no rows") }
        let width = first.fields.count
        guard width >= 2 else {
            throw CSVError(file: file, line: first.line, column: 0, message: "a data row needs at least 2 columns (features and a label), found \(width)")
        }
        if let bad = rows.first(where: { $0.fields.count != width }) {
            throw CSVError(file: file, line: bad.line, column: 0, message: "has \(bad.fields.count) fields, line \(first.line) has \(width)")
        }
        func number(_ s: String) -> Double? {
            let t = s.trimmingCharacters(in: .whitespaces)
            guard let v = Double(t), v.isFinite else { return nil }
            return v
        }
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
        guard !rows.isEmpty else { throw CSVError(file: file, line: 0, column: 0, message: "the file has a header but no data rows") }
        let featureColumns = (0..<width).filter { $0 != label }
        var x = Matrix<T>(rows: rows.count, cols: featureColumns.count)
        for (r, row) in rows.enumerated() {
            for (c, column) in featureColumns.enumerated() {
                guard let v = number(row.fields[column]) else {
                    let what = row.fields[column].isEmpty ? "an empty field" : "'\(row.fields[column])'"
                    throw CSVError(file: file, line: row.line, column: column + 1, message: "\(what) is not a number (feature columns must be numeric)")
                }
                x[r, c] = T(v)
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
            guard allNumbers else {
                let r = numeric.firstIndex(of: nil)!
                throw CSVError(file: file, line: rows[r].line, column: label + 1, message: "label '\(labels[r])' is not a number (regression needs numeric labels)")
            }
            let y = Matrix<T>(rows: rows.count, cols: 1, storage: numeric.map { T($0!) })
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
        }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        return Dataset(x: x, y: oneHot(labels.map { index[$0]! }, classes: names.count),
                       classNames: names, featureNames: featureNames)
    }
}
