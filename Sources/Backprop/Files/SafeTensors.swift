/// The `.safetensors` form of a model file: the format PyTorch (`safetensors.torch.load_file`)
/// and NumPy users load.
///
/// Layout: an 8-byte little-endian header length `N`; `N` bytes of JSON naming each tensor's
/// `dtype`, `shape` and `data_offsets` (`[begin, end)` in the data that follows), plus a
/// `__metadata__` object of strings; then the tensors' bytes.
///
/// Backprop writes `layers.{i}.weight` (out, in) and `layers.{i}.bias` (out) as `F32`, exactly
/// PyTorch's `nn.Linear` layout, and puts the rest of the model (activations, loss, classes,
/// preprocessing, training settings) in `__metadata__["backprop"]` as JSON text, so a file
/// converts back to the same model.
///
/// ```python
/// from safetensors.torch import load_file
/// tensors = load_file("model.safetensors")     # {"layers.0.weight": tensor(128, 784), ...}
/// ```
extension ModelFile {
    /// The bytes of the `.safetensors` file.
    public func safetensors() -> [UInt8] {
        var header: [(key: String, value: JSON)] = [
            ("__metadata__", .object([("format", .string("pt")), ("backprop", .string(json(parameters: false).serialized()))])),
        ]
        var data: [UInt8] = []
        func append(_ name: String, _ values: [T], shape: [Int]) {
            let floats = values.map { Float($0) }
            let begin = data.count
            floats.withUnsafeBytes { data.append(contentsOf: $0) }   // little-endian on every platform Swift runs on
            header.append((name, .object([
                ("dtype", .string("F32")),
                ("shape", .array(shape.map { JSON.number($0) })),
                ("data_offsets", .array([.number(begin), .number(data.count)])),
            ])))
        }
        for (i, layer) in network.layers.enumerated() {
            append("layers.\(i).weight", layer.weights.storage, shape: [layer.outputSize, layer.inputSize])
            append("layers.\(i).bias", layer.biases, shape: [layer.outputSize])
        }
        var text = Array(JSON.object(header).serialized().utf8)
        while text.count % 8 != 0 { text.append(UInt8(ascii: " ")) }   // data starts 8-byte aligned
        let n = UInt64(text.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + text + data
    }

    /// Reads a `.safetensors` file written by Backprop (or any file with the same tensors and a
    /// `backprop` metadata entry).
    public init(safetensors bytes: [UInt8]) throws(ModelFileError) {
        func fail(_ place: String, _ message: String) -> ModelFileError { .invalid(place: place, message: message) }
        guard bytes.count >= 8 else { throw fail("safetensors", "the file is \(bytes.count) bytes, shorter than its 8-byte header length") }
        let n = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        guard n <= UInt64(bytes.count - 8) else {
            throw fail("safetensors", "the header claims \(n) bytes but the file has \(bytes.count - 8) after the length")
        }
        let dataStart = 8 + Int(n)
        let header: JSON
        do { header = try JSON.parse(String(decoding: bytes[8..<dataStart], as: UTF8.self)) } catch {
            throw fail("safetensors header", "not valid JSON at \(error)")
        }
        guard header.members != nil else { throw fail("safetensors header", "expected a JSON object") }
        guard let meta = header["__metadata__"]?["backprop"]?.string else {
            throw fail("safetensors __metadata__", "no \"backprop\" entry: this file does not say which activations and loss the layers use")
        }
        let architecture: JSON
        do { architecture = try JSON.parse(meta) } catch { throw fail("safetensors __metadata__.backprop", "not valid JSON at \(error)") }
        let data = bytes[dataStart...]
        func tensor(_ name: String, shape expected: [Int]) throws(ModelFileError) -> [T] {
            guard let info = header[name] else { throw fail("tensor \(name)", "missing") }
            guard info["dtype"]?.string == "F32" else {
                throw fail("tensor \(name)", "dtype \(info["dtype"]?.string ?? "?") is not supported; expected F32")
            }
            let shape = info["shape"]?.array?.compactMap { $0.number.flatMap { Int($0) } } ?? []
            guard shape == expected else { throw fail("tensor \(name)", "shape \(shape), expected \(expected)") }
            let (begin, end) = try Self.offsets(name, info, dataCount: data.count)
            // The element count, without overflow: it must fit in the data anyway.
            var count = 1
            for d in expected {
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, product <= data.count / 4 else {
                    throw fail("tensor \(name)", "shape \(expected) needs more bytes than the file's \(data.count)")
                }
                count = product
            }
            guard end - begin == 4 * count else {
                throw fail("tensor \(name)", "holds \(end - begin) bytes, shape \(expected) needs \(4 * count)")
            }
            let start = data.startIndex + begin
            var values = [T](repeating: 0, count: count)
            for i in 0..<count {
                let o = start + 4 * i
                let bits = UInt32(data[o]) | UInt32(data[o + 1]) << 8 | UInt32(data[o + 2]) << 16 | UInt32(data[o + 3]) << 24
                let v = Float(bitPattern: bits)
                guard v.isFinite else { throw fail("tensor \(name)", "element \(i) is \(v)") }
                values[i] = T(v)
            }
            return values
        }
        try self.init(json: architecture) { (l, value, place) throws(ModelFileError) in
            guard let inputs = value["inputs"]?.number.flatMap({ Int($0) }), inputs > 0,
                  let outputs = value["outputs"]?.number.flatMap({ Int($0) }), outputs > 0 else {
                throw fail(place, "expected positive \"inputs\" and \"outputs\"")
            }
            let w = try tensor("layers.\(l).weight", shape: [outputs, inputs])
            let b = try tensor("layers.\(l).bias", shape: [outputs])
            return (Matrix(rows: outputs, cols: inputs, storage: w), b)
        }
        try Self.checkLayout(header, dataCount: data.count)       // after the tensors: a missing one is named as such
    }

    /// Tensor `name`'s `data_offsets`, `[begin, end)` within the `dataCount` bytes of data.
    static func offsets(_ name: String, _ info: JSON, dataCount: Int) throws(ModelFileError) -> (begin: Int, end: Int) {
        let given = info["data_offsets"]
        let items = given?.array ?? []
        let offsets = items.compactMap { $0.number.flatMap { Int($0) } }
        guard items.count == 2, offsets.count == 2 else {
            throw .invalid(place: "tensor \(name)", message: "data_offsets \(given.map { CSVOptions.excerpt($0.serialized()) } ?? "missing"): expected two whole numbers, [begin, end]")
        }
        guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataCount else {
            throw .invalid(place: "tensor \(name)", message: "data_offsets \(offsets) are not inside the \(dataCount) data bytes")
        }
        return (offsets[0], offsets[1])
    }

    /// The format's rule on the data: the tensors' byte ranges, taken in order of their offsets,
    /// tile it exactly — no two share a byte, and no byte belongs to none (a hole, or bytes after
    /// the last tensor, is where another file could hide: the reference library refuses both).
    static func checkLayout(_ header: JSON, dataCount: Int) throws(ModelFileError) {
        func fail(_ place: String, _ message: String) -> ModelFileError { .invalid(place: place, message: message) }
        var ranges: [(name: String, begin: Int, end: Int)] = []
        for (name, info) in header.members ?? [] where name != "__metadata__" {
            let (begin, end) = try offsets(name, info, dataCount: dataCount)
            ranges.append((name, begin, end))
        }
        ranges.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var end = 0, previous = ""
        for r in ranges {
            if r.begin < end {
                throw fail("tensor \(r.name)", "data_offsets [\(r.begin), \(r.end)] overlap tensor \(previous)'s, which ends at \(end)")
            }
            if r.begin > end { throw fail("safetensors data", "bytes \(end)…\(r.begin - 1) belong to no tensor") }
            (end, previous) = (r.end, r.name)
        }
        if end < dataCount {
            throw fail("safetensors data", "the \(dataCount - end) bytes after the last tensor (\(end)…\(dataCount - 1)) belong to no tensor")
        }
    }
}
