import Backprop

/// libFuzzer entry: any bytes as a .safetensors file; a model that reads must also predict.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let model = try? ModelFile<Float>(safetensors: bytes), model.network.parameterCount < 1 << 20 else { return 0 }
    _ = model.predict(Matrix(rows: 2, cols: model.network.inputSize, repeating: 0.5))
    return 0
}
