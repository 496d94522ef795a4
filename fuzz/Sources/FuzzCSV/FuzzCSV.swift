import Backprop

/// libFuzzer entry: any bytes as a CSV file, read as a classification and as a regression set.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var options = CSVOptions()
    _ = try? Dataset<Float>.csv(text, options: options, file: "fuzz.csv")
    options.task = .regression
    options.header = .yes
    _ = try? Dataset<Float>.csv(text, options: options, file: "fuzz.csv")
    options.labelColumn = 1
    options.task = .classification
    _ = try? Dataset<Float>.csv(text, options: options, file: "fuzz.csv", classNames: ["0", "1"])
    return 0
}
