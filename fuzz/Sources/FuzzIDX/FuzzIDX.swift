import Backprop

/// libFuzzer entry: any bytes as an IDX file (plain, and through the streaming gzip reader),
/// and as a gzip stream.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let images = try? IDXArray(bytes: bytes, file: "fuzz"), images.shape[0] <= 1 << 16,
       let labels = try? IDXArray(bytes: IDXArray.encode(shape: [images.shape[0]], values: .init(repeating: 1, count: images.shape[0])), file: "labels") {
        _ = try? Dataset<Float>.idx(images: images, labels: labels, imagesFile: "fuzz", labelsFile: "labels")
    }
    if isGzip(bytes) {
        _ = try? gunzip(bytes, limit: 1 << 24)
        if let reader = try? GzipReader(bytes) { _ = try? Dataset<Float>.readIDXImages(reader, file: "fuzz") }
    }
    return 0
}
