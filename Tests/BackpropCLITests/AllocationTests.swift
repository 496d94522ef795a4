import Foundation
import Testing
@testable import Backprop

/// Counts heap allocations of training steps with ordo-one's malloc interposer, preloaded into
/// `backprop-bench alloc` (LD_PRELOAD on Linux, DYLD_INSERT_LIBRARIES on macOS).
@Suite("No allocation per training step after the first")
struct AllocationTests {
    func interposer() throws -> URL {
        let folder = try backpropBinary().deletingLastPathComponent()
        for name in ["libMallocInterposerSwift.so", "libMallocInterposerSwift.dylib"] {
            let url = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw CLITestError("libMallocInterposerSwift not found in \(folder.path)")
    }

    /// On 2 threads too: the step hands the pool its two regions as tasks, not closures (a
    /// closure handed to the pool is boxed on the heap, once per hand-off).
    @Test("Fashion-MNIST-sized steps, SGD (fused) and Adam, 1 and 2 threads: 0 allocations in 199 steps after the first",
          arguments: ["sgd", "adam"], [1, 2])
    func noAllocations(_ optimizer: String, threads: Int) throws {
        var environment = ProcessInfo.processInfo.environment
        #if os(macOS)
        environment["DYLD_INSERT_LIBRARIES"] = try interposer().path
        #else
        environment["LD_PRELOAD"] = try interposer().path
        #endif
        let run = try backpropBench(["alloc", "--layers", "784,128,10", "--batch", "64", "--steps", "200", "--optimizer", optimizer,
                                     "--threads", String(threads)], environment: environment)
        #expect(run.status == 0)
        let json = try JSON.parse(run.stdout)
        // The first step sizes the buffers (and must be seen to allocate, or nothing was counted).
        #expect(try #require(json["allocations_first_step"]?.number.flatMap(Int.init)) > 0)
        #expect(json["allocations_after_first_step"] == .number("0"))
    }
}
