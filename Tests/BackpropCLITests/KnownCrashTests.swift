import Foundation
import Testing
@testable import Backprop

/// Argument vectors that once ended in a crash dump (a `precondition` or a trap reached from the
/// command line), found by hand or by the argument fuzzer (`fuzz/`). Each must now end in one
/// line on stderr with exit 64 (usage) or 1 (input), or succeed.
@Suite("Argument vectors that used to crash")
struct KnownCrashTests {
    static let vectors: [[String]] = [
        ["train", "--data", "xor", "--activation", "relu,tanh", "--epochs", "1"],          // default layers, 2 activations
        ["train", "--data", "xor", "--activation", "relu,tanh,relu", "--epochs", "1"],
        ["train", "--data", "xor", "--samples", "9223372036854775807", "--epochs", "1"],   // overflow
        ["train", "--data", "xor", "--samples", "10000000000", "--epochs", "1"],           // allocation
        ["train", "--data", "xor", "--layers", "2,100000000,2", "--epochs", "1"],          // allocation
        ["train", "--data", "xor", "--step-factor", "nan", "--schedule", "step", "--epochs", "1"],
        ["train", "--data", "xor", "--min-lr=-5", "--schedule", "cosine", "--epochs", "1"],
        ["train", "--data", "xor", "--activation", "softmax", "--epochs", "1"],
        ["train", "--data", "xor", "--activation", "", "--epochs", "1"],
        ["train", "--data", "", "--epochs", "1"],
        ["train", "--resume", "/"],
        ["train"],
    ]

    @Test("each ends in one line and exit 64 or 1", arguments: vectors)
    func noCrash(_ arguments: [String]) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try backprop(arguments, in: folder)
        #expect(run.status == 64 || run.status == 1, "exit \(run.status): \(run.stderr)")
        #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Stack dump"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").first?.hasPrefix("Error: ") == true, "\(run.stderr)")
    }

    @Test("predict --csv with no data rows (empty, header only, blank lines) is an input error, not a trap")
    func predictWithoutRows() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = fixtures.appendingPathComponent("xor_numpy_seed42_model.json").path
        for (name, text) in [("empty.csv", ""), ("header.csv", "x1,x2\n"), ("blank.csv", "\n\n\n")] {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
            let run = try backprop(["predict", "--model", model, "--csv", name], in: folder)
            #expect(run.status == 1, "\(name): exit \(run.status): \(run.stderr)")
            #expect(!run.stderr.contains("Fatal error"), "\(run.stderr)")
        }
    }
}
