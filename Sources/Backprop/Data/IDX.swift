/// Why an IDX file could not be read.
public struct IDXError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var message: String
    public var description: String { "\(file): \(message)" }
}

/// An IDX array (the MNIST file format): unsigned bytes with a shape.
///
/// Layout: two zero bytes, a type byte (0x08 = unsigned byte), the number of dimensions `d`,
/// then `d` big-endian 32-bit sizes, then the data in row-major order. Images are
/// (N, rows, cols), labels (N).
///
/// ```swift
/// let images = try IDXArray(bytes: gunzip(fileBytes), file: "train-images-idx3-ubyte.gz")
/// images.shape     // [60000, 28, 28]
/// ```
public struct IDXArray: Sendable {
    public var shape: [Int]
    /// The data, row-major (a slice of the file's bytes: no copy).
    public var values: ArraySlice<UInt8>

    /// Parses IDX bytes (already decompressed); `file` names them in errors.
    public init(bytes: [UInt8], file: String) throws(IDXError) {
        let (shape, total, headerSize) = try IDXArray.header(bytes[...], file: file)
        guard bytes.count - headerSize == total else {
            throw IDXError(file: file, message: "the header says \(shape.map(String.init).joined(separator: "×")) = \(total) values, the file holds \(bytes.count - headerSize)")
        }
        self.shape = shape
        self.values = bytes[headerSize...]
    }

    /// The shape, the number of values and the header's size, from the first bytes of a file
    /// (at least `4 + 4 × dimensions` of them, else an error).
    public static func header(_ bytes: ArraySlice<UInt8>, file: String) throws(IDXError) -> (shape: [Int], count: Int, size: Int) {
        func fail(_ m: String) -> IDXError { IDXError(file: file, message: m) }
        let b = Array(bytes.prefix(1024))
        guard b.count >= 4 else { throw fail("too short for an IDX header (\(b.count) bytes)") }
        guard b[0] == 0 && b[1] == 0 else {
            throw fail("not an IDX file (it starts with \(hex(b[0])) \(hex(b[1])), expected 00 00)")
        }
        guard b[2] == 0x08 else { throw fail("element type \(hex(b[2])) is not supported; expected 08 (unsigned byte)") }
        let dims = Int(b[3])
        guard dims >= 1 else { throw fail("an IDX array needs at least 1 dimension") }
        let headerSize = 4 + 4 * dims
        guard b.count >= headerSize else { throw fail("the header promises \(dims) dimensions but the file ends after \(b.count) bytes") }
        var shape: [Int] = []
        var total = 1
        for d in 0..<dims {
            let o = 4 + 4 * d
            let size = Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3])
            shape.append(size)
            guard size > 0 else { throw fail("dimension \(d + 1) of \(shape.count) is 0: the file holds no data") }
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow else { throw fail("dimensions \(shape) overflow") }
            total = product
        }
        return (shape, total, headerSize)
    }

    /// Raw IDX bytes for an unsigned-byte array (for tests and tools).
    public static func encode(shape: [Int], values: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
        for s in shape { out += [UInt8(s >> 24 & 0xFF), UInt8(s >> 16 & 0xFF), UInt8(s >> 8 & 0xFF), UInt8(s & 0xFF)] }
        return out + values
    }
}

private func hex(_ b: UInt8) -> String { let s = String(b, radix: 16); return s.count == 1 ? "0" + s : s }

extension Dataset {
    /// A classification data set from an IDX image array (N, …) and label array (N): each image
    /// flattened to a row of bytes (0…255, scaled later by a `fixed` preprocessing), each label
    /// one-hot over `classNames` (default "0", "1", … up to the largest label).
    @_specialize(exported: true, where T == Float)
    public static func idx(images: IDXArray, labels: IDXArray, classNames: [String]? = nil,
                           imagesFile: String, labelsFile: String) throws(IDXError) -> Dataset {
        var x = Matrix<T>(rows: images.shape[0], cols: images.shape.dropFirst().reduce(1, *))
        images.values.withUnsafeBufferPointer { bytes in
            x.storage.withUnsafeMutableBufferPointer { out in convertBytes(bytes, into: out) }
        }
        return try idx(images: x, labels: labels, classNames: classNames, imagesFile: imagesFile, labelsFile: labelsFile)
    }

    /// The same from images already in a matrix (N, pixels), e.g. from `readIDXImages`.
    public static func idx(images x: Matrix<T>, labels: IDXArray, classNames: [String]? = nil,
                           imagesFile: String, labelsFile: String) throws(IDXError) -> Dataset {
        guard labels.shape.count == 1 else {
            throw IDXError(file: labelsFile, message: "labels must be 1-dimensional, found shape \(labels.shape)")
        }
        guard x.rows == labels.shape[0] else {
            throw IDXError(file: labelsFile, message: "\(labels.shape[0]) labels for \(x.rows) images in \(imagesFile)")
        }
        if classNames == nil, let first = labels.values.first, labels.values.allSatisfy({ $0 == first }) {   // as a CSV's
            throw IDXError(file: labelsFile, message: "every label is \(first): classification needs at least 2 classes")
        }
        let classes = classNames?.count ?? (Int(labels.values.max() ?? 0) + 1)
        if let bad = labels.values.firstIndex(where: { Int($0) >= classes }) {
            throw IDXError(file: labelsFile, message: "label \(labels.values[bad]) at index \(bad - labels.values.startIndex) is not below the \(classes) classes")
        }
        return Dataset(x: x, y: oneHot(labels.values.map(Int.init), classes: classes),
                       classNames: classNames ?? (0..<classes).map(String.init))
    }

    /// Reads an IDX image file (N, …) straight into a matrix (N, pixels), decompressing and
    /// converting 64 KiB at a time: the decompressed bytes are never all in memory.
    @_specialize(exported: true, where T == Float)
    public static func readIDXImages(_ reader: GzipReader, file: String) throws(IDXError) -> Matrix<T> {
        func read(_ buffer: UnsafeMutableRawBufferPointer) throws(IDXError) -> Int {
            do { return try reader.read(into: buffer) } catch { throw IDXError(file: file, message: "\(error)") }
        }
        func readExactly(_ count: Int) throws(IDXError) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            var got = 0
            while got < count {
                var outcome: Result<Int, IDXError> = .success(0)
                bytes.withUnsafeMutableBytes { b in outcome = Result { () throws(IDXError) in try read(UnsafeMutableRawBufferPointer(rebasing: b[got...])) } }
                let n = try outcome.get()
                if n == 0 { break }
                got += n
            }
            return Array(bytes[0..<got])
        }
        var head = try readExactly(4)
        if head.count == 4 { head += try readExactly(4 * Int(head[3])) }
        let (shape, total, _) = try IDXArray.header(head[...], file: file)
        guard total <= reader.sizeLimit else {
            throw IDXError(file: file, message: "the header says \(shape.map(String.init).joined(separator: "×")) = \(total) values, more than the file can hold")
        }
        guard total <= DataSource.maximumFileBytes else {                // (a small .gz can say billions, and hold them)
            throw IDXError(file: file, message: "the header says \(total) values; Backprop reads at most \(DataSource.maximumFileBytes) on this machine (a quarter of its memory)")
        }
        var x = Matrix<T>(rows: shape[0], cols: shape.dropFirst().reduce(1, *))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var filled = 0
        while true {
            var outcome: Result<Int, IDXError> = .success(0)
            chunk.withUnsafeMutableBytes { b in outcome = Result { () throws(IDXError) in try read(b) } }
            let n = try outcome.get()
            if n == 0 { break }
            guard filled + n <= total else {
                throw IDXError(file: file, message: "the header says \(total) values, the file holds more")
            }
            chunk.withUnsafeBufferPointer { bytes in
                x.storage.withUnsafeMutableBufferPointer { out in
                    convertBytes(UnsafeBufferPointer(rebasing: bytes[0..<n]), into: UnsafeMutableBufferPointer(rebasing: out[filled..<(filled + n)]))
                }
            }
            filled += n
        }
        guard filled == total else {
            throw IDXError(file: file, message: "the header says \(shape.map(String.init).joined(separator: "×")) = \(total) values, the file holds \(filled)")
        }
        return x
    }

    /// `out[i] = T(bytes[i])`, through a 256-entry table rather than a conversion per pixel.
    static func convertBytes(_ bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<T>) {
        let table = (0..<256).map { T($0) }
        table.withUnsafeBufferPointer { t in
            for i in 0..<min(out.count, bytes.count) { out[i] = t[Int(bytes[i])] }
        }
    }
}
