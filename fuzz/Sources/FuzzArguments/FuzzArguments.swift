import BackpropCommands

/// libFuzzer entry: any bytes as a `backprop` command line — one argument per line — parsed,
/// validated and planned by `DryRun.check` (no training, no writes). Errors are expected; a
/// crash (a trap, a precondition, an allocation failure) is the finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArguments(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let arguments = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    _ = try? DryRun.check(arguments)
    return 0
}
