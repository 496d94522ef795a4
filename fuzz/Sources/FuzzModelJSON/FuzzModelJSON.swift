import Backprop

/// libFuzzer entry: any bytes as a model file; a model that reads must also predict and write.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let model = try? ModelFile<Float>(text: text), model.network.parameterCount < 1 << 20 else { return 0 }
    _ = model.predict(Matrix(rows: 2, cols: model.network.inputSize, repeating: 0.5))
    _ = try? ModelFile<Float>(text: model.text)
    _ = try? ModelFile<Float>(safetensors: model.safetensors())
    return 0
}
