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
        func fail(_ m: String) -> IDXError { IDXError(file: file, message: m) }
        guard bytes.count >= 4 else { throw fail("too short for an IDX header (\(bytes.count) bytes)") }
        guard bytes[0] == 0 && bytes[1] == 0 else {
            throw fail("not an IDX file (it starts with \(hex(bytes[0])) \(hex(bytes[1])), expected 00 00)")
        }
        guard bytes[2] == 0x08 else { throw fail("element type \(hex(bytes[2])) is not supported; expected 08 (unsigned byte)") }
        let dims = Int(bytes[3])
        guard dims >= 1 else { throw fail("an IDX array needs at least 1 dimension") }
        let headerSize = 4 + 4 * dims
        guard bytes.count >= headerSize else { throw fail("the header promises \(dims) dimensions but the file ends after \(bytes.count) bytes") }
        var shape: [Int] = []
        var total = 1
        for d in 0..<dims {
            let o = 4 + 4 * d
            let size = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            shape.append(size)
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow else { throw fail("dimensions \(shape) overflow") }
            total = product
        }
        guard bytes.count - headerSize == total else {
            throw fail("the header says \(shape.map(String.init).joined(separator: "×")) = \(total) values, the file holds \(bytes.count - headerSize)")
        }
        self.shape = shape
        self.values = bytes[headerSize...]
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
        guard labels.shape.count == 1 else {
            throw IDXError(file: labelsFile, message: "labels must be 1-dimensional, found shape \(labels.shape)")
        }
        guard images.shape[0] == labels.shape[0] else {
            throw IDXError(file: labelsFile, message: "\(labels.shape[0]) labels for \(images.shape[0]) images in \(imagesFile)")
        }
        let n = images.shape[0]
        let features = images.shape.dropFirst().reduce(1, *)
        let classes = classNames?.count ?? (Int(labels.values.max() ?? 0) + 1)
        if let bad = labels.values.firstIndex(where: { Int($0) >= classes }) {
            throw IDXError(file: labelsFile, message: "label \(labels.values[bad]) at index \(bad - labels.values.startIndex) is not below the \(classes) classes")
        }
        let table = (0..<256).map { T($0) }          // byte → T, without a generic conversion per pixel
        var x = Matrix<T>(rows: n, cols: features)
        images.values.withUnsafeBufferPointer { bytes in
            x.storage.withUnsafeMutableBufferPointer { out in
                for i in 0..<min(out.count, bytes.count) { out[i] = table[Int(bytes[i])] }
            }
        }
        return Dataset(x: x, y: oneHot(labels.values.map(Int.init), classes: classes),
                       classNames: classNames ?? (0..<classes).map(String.init))
    }
}
