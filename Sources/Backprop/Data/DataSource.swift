import Foundation

/// Why a data set could not be loaded: one line naming the file and what is wrong.
public struct DataError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Where training data comes from, as `--data` names it.
///
/// | `--data`                                 | source                                                 |
/// |------------------------------------------|--------------------------------------------------------|
/// | `fashion-mnist`                          | the Debian package `dataset-fashion-mnist` (IDX, gzip)   |
/// | `xor`, `circles`, `spiral`, `gaussians`  | a generated 2-D set (``ToySets``)                      |
/// | a folder                                 | an MNIST-format pair `train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]` (and `t10k-…` as the test split) |
/// | a file                                   | CSV (``CSVOptions``)                                   |
public enum DataSource: Sendable {
    case toy(ToySets.Shape, count: Int, noise: Double, seed: UInt64)
    case idx(folder: String, classNames: [String]?)
    case csv(path: String, options: CSVOptions)

    /// Where the Debian package `dataset-fashion-mnist` puts the data.
    public static let fashionMNISTFolder = "/usr/share/datasets/fashion-mnist"
    /// The ten Fashion-MNIST classes, by label.
    public static let fashionMNISTClasses = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// The source `--data` names (see the table above).
    /// (`fashionMNIST` is where to look for `fashion-mnist`.)
    public static func named(_ name: String, csv: CSVOptions = CSVOptions(), toyCount: Int = ToySets.defaultCount,
                             noise: Double = ToySets.defaultNoise, seed: UInt64 = ToySets.defaultSeed,
                             fashionMNIST: String = fashionMNISTFolder) throws(DataError) -> DataSource {
        if name == "fashion-mnist" {
            guard idxFile(fashionMNIST, "train-images-idx3-ubyte") != nil else {
                throw DataError("Fashion-MNIST is not installed: it comes from the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist), which puts it in \(fashionMNIST)")
            }
            return .idx(folder: fashionMNIST, classNames: fashionMNISTClasses)
        }
        if let shape = ToySets.Shape(rawValue: name) { return .toy(shape, count: toyCount, noise: noise, seed: seed) }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: name, isDirectory: &isFolder) else {
            throw DataError("\(name): no such file or folder (expected fashion-mnist, \(ToySets.Shape.allCases.map(\.rawValue).joined(separator: ", ")), a CSV file or a folder of IDX files)")
        }
        if !isFolder.boolValue && name.contains("-idx") && name.contains("-ubyte") {
            throw DataError("\(name) is one IDX file: give --data the folder that holds train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]")
        }
        return isFolder.boolValue ? .idx(folder: name, classNames: nil) : .csv(path: name, options: csv)
    }

    /// A short description for reports: `fashion-mnist`, `spiral (500 points, noise 0.1)`, the path.
    public var name: String {
        switch self {
        case let .toy(shape, count, noise, _): return "\(shape.rawValue) (\(plural(count, "point")), noise \(noise))"
        case let .idx(folder, names): return names == DataSource.fashionMNISTClasses ? "fashion-mnist" : folder
        case let .csv(path, _): return path
        }
    }

    /// The training samples, and the source's own test split when it has one (IDX `t10k-…`
    /// files; for a toy set, as many more points from another seed).
    ///
    /// `fixedScale` is the preprocessing the format itself implies (IDX bytes / 255), if any.
    @_specialize(exported: true, where T == Float)
    public func load<T: Scalar>(as: T.Type = T.self, testSplit: Bool = true) throws(DataError)
        -> (train: Dataset<T>, test: Dataset<T>?, fixedScale: Preprocessing?) {
        switch self {
        case let .toy(shape, count, noise, seed):
            guard testSplit else { return (ToySets.make(shape, count: count, noise: noise, seed: seed, as: T.self), nil, nil) }
            let (train, test) = ToySets.split(shape, count: count, noise: noise, seed: seed, as: T.self)
            return (train, test, nil)
        case let .csv(path, options):
            return (try DataSource.csvFile(path, options: options) as Dataset<T>, nil, nil)
        case let .idx(folder, names):
            let train: Dataset<T> = try DataSource.idxPair(folder, "train", names)
            let hasTest = DataSource.idxFile(folder, "t10k-images-idx3-ubyte") != nil
            let test: Dataset<T>? = testSplit && hasTest ? try DataSource.idxPair(folder, "t10k", names ?? train.classNames) : nil
            if let test, test.features != train.features || test.outputs != train.outputs {
                throw DataError("\(folder): its t10k images have \(test.features) pixels and \(test.outputs) classes, its train images \(train.features) and \(train.outputs); the two sets must match")
            }
            let fixed = Preprocessing(kind: .fixed, offset: .init(repeating: 0, count: train.features),
                                      scale: .init(repeating: 255, count: train.features))
            return (train, test, fixed)
        }
    }

    /// A CSV file as a data set (`classNames`: those of the training data, for a test file).
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public static func csvFile<T: Scalar>(_ path: String, options: CSVOptions, classNames: [String]? = nil) throws(DataError) -> Dataset<T> {
        let bytes = try read(path)
        do {
            return try Dataset<T>.csv(bytes: bytes, options: options, file: path, classNames: classNames)
        } catch {
            throw DataError("\(error)")
        }
    }

    /// The images and labels `prefix-images-idx3-ubyte[.gz]`, `prefix-labels-idx1-ubyte[.gz]` in `folder`.
    static func idxPair<T: Scalar>(_ folder: String, _ prefix: String, _ names: [String]?) throws(DataError) -> Dataset<T> {
        guard let imagesPath = idxFile(folder, "\(prefix)-images-idx3-ubyte") else {
            throw DataError("\(folder): no \(prefix)-images-idx3-ubyte or \(prefix)-images-idx3-ubyte.gz (an MNIST-format folder needs both images and labels)")
        }
        guard let labelsPath = idxFile(folder, "\(prefix)-labels-idx1-ubyte") else {
            throw DataError("\(folder): no \(prefix)-labels-idx1-ubyte or \(prefix)-labels-idx1-ubyte.gz")
        }
        let labelBytes = try decompressed(labelsPath)
        // A gzip file is streamed (the decompressed images are never all in memory); a plain one read whole.
        let imageFile = try read(imagesPath)
        let reader: GzipReader?
        do { reader = isGzip(imageFile) ? try GzipReader(imageFile) : nil } catch { throw DataError("\(imagesPath): \(error)") }
        let plainImages = reader == nil ? imageFile : []
        _ = consume imageFile
        do {
            let labels = try IDXArray(bytes: labelBytes, file: labelsPath)
            if let reader {
                let x: Matrix<T> = try Dataset<T>.readIDXImages(reader, file: imagesPath)
                return try Dataset<T>.idx(images: x, labels: labels, classNames: names, imagesFile: imagesPath, labelsFile: labelsPath)
            }
            let images = try IDXArray(bytes: plainImages, file: imagesPath)
            return try Dataset<T>.idx(images: images, labels: labels, classNames: names,
                                      imagesFile: imagesPath, labelsFile: labelsPath)
        } catch {
            throw DataError("\(error)")
        }
    }

    static func idxFile(_ folder: String, _ base: String) -> String? {
        [base, base + ".gz"].map { folder + "/" + $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// A file's bytes, gunzipped when they are gzip.
    static func decompressed(_ path: String) throws(DataError) -> [UInt8] {
        let bytes = try read(path)
        guard isGzip(bytes) else { return bytes }
        do { return try gunzip(bytes, limit: maximumFileBytes) } catch { throw DataError("\(path): \(error)") }
    }

    /// Why a read failed, in the system's words ("Input/output error") rather than Foundation's
    /// wrapper ("The operation could not be completed. (NSCocoaErrorDomain error 256.)").
    static func readFailure(_ error: any Error) -> String {
        let wrapped = error as NSError
        let posix = wrapped.domain == NSPOSIXErrorDomain ? wrapped : wrapped.userInfo[NSUnderlyingErrorKey] as? NSError
        if let posix, posix.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(posix.code))) }
        return wrapped.localizedDescription
    }

    /// The largest file read: a quarter of the machine's memory, at most 4 GB (what is made from
    /// it takes as much again). From a device or a pipe, which has no size to check first, at
    /// most 1 GB: `/dev/zero` would otherwise fill the memory.
    static let maximumFileBytes = min(1 << 32, Int(clamping: ProcessInfo.processInfo.physicalMemory / 4))
    static let maximumStreamBytes = min(1 << 30, maximumFileBytes)

    static func read(_ path: String) throws(DataError) -> [UInt8] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw DataError("\(path): no such file") }
        guard !isFolder.boolValue else { throw DataError("\(path) is a folder, not a file") }
        // Through a file handle: a device or a FIFO (/dev/null, /dev/stdin) reads too.
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DataError("\(path): cannot be opened (permissions?)") }
        defer { try? handle.close() }
        var info = stat()                                      // of what was opened: a symlink's target
        let regular = fstat(handle.fileDescriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        let size = regular ? Int(info.st_size) : 0
        if regular && size > maximumFileBytes {
            throw DataError("\(path) holds \(TrainingPlan.gigabytes(Double(size))); Backprop reads files of at most \(TrainingPlan.gigabytes(Double(maximumFileBytes))) on this machine (a quarter of its memory)")
        }
        let limit = regular ? maximumFileBytes : maximumStreamBytes
        var data = Data()
        do {
            while let piece = try handle.read(upToCount: 1 << 22), !piece.isEmpty {   // (a file that grows stops at the limit too)
                data.append(piece)
                guard data.count <= limit else {
                    throw DataError(regular ? "\(path) grew past \(TrainingPlan.gigabytes(Double(limit))) while being read"
                                    : "\(path) gives more than \(TrainingPlan.gigabytes(Double(limit))) (a device or a pipe); save the data to a file first")
                }
            }
        } catch let error as DataError {
            throw error
        } catch { throw DataError("\(path): cannot be read: \(readFailure(error))") }
        guard !data.isEmpty else { throw DataError("\(path) is empty") }
        return [UInt8](data)
    }
}

/// A text file's contents (a folder, a missing or unreadable file is an error naming it).
public func readText(_ path: String) throws(DataError) -> String {
    String(decoding: try DataSource.read(path), as: UTF8.self)
}
