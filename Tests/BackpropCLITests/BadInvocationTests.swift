import Foundation
import Testing
@testable import Backprop

/// Generated misuse: for every command and every documented option, a valid command line with
/// that option's value replaced by absurd ones — empty, negative, NaN, infinite, overflowing,
/// words, missing files, a folder, a device. Each must end in exit 0 (when the value happens to
/// be valid), 1 or 64 — with exactly one line on stderr for an error — and never in a signal,
/// a "Fatal error" or a stack dump.
@Suite("Generated bad invocations")
struct BadInvocationTests {
    static let absurd = ["", "-1", "0", "nan", "inf", "-inf", "1e309", "9223372036854775808", "abc", "1,,x", "-0.5",
                         "/nonexistent/x.json", "/tmp", "/dev/null", "3.5", "💥"]

    /// (a valid command line, its options that take a value) for every command but `serve`,
    /// whose valid values start a server (its own test covers it).
    static func commands(model: String) -> [(base: [String], options: [String])] {
        [
            (["train", "--data", "xor", "--samples", "40", "--epochs", "1"],
             ["--data", "--test", "--samples", "--noise", "--label-column", "--header", "--task", "--delimiter", "--missing",
              "--layers", "--activation", "--output", "--loss", "--reduction", "--init", "--optimizer", "--lr", "--momentum",
              "--weight-decay", "--schedule", "--step-every", "--step-factor", "--min-lr", "--batch", "--epochs", "--seed",
              "--validation-split", "--test-split", "--patience", "--scale", "--threads", "--save", "--plots", "--loss-scale",
              "--plots-every", "--report", "--checkpoint-every", "--checkpoint", "--resume"]),
            (["evaluate", "--model", model, "--data", "xor", "--samples", "40"],
             ["--model", "--data", "--test", "--split", "--seed", "--samples", "--noise", "--label-column", "--header", "--task"]),
            (["predict", "--model", model, "--input", "0.5,0.5"], ["--model", "--input", "--csv"]),
            (["explain"], ["--model", "--input", "--target", "--lr", "--seed", "--parameter", "--svg"]),
            (["gradcheck", "--samples", "2"], ["--layers", "--activation", "--output", "--loss", "--reduction", "--samples",
                                               "--seed", "--tolerance", "--model"]),
            (["xor", "--epochs", "20"], ["--hidden", "--lr", "--epochs", "--seed", "--init", "--save", "--print-every"]),
            (["plot", "--model", model, "--out", "pics"], ["--model", "--data", "--samples", "--noise", "--seed", "--out"]),
            (["convert", "--model", model, "--out", "m.safetensors"], ["--model", "--out"]),
        ]
    }

    /// The invocations: each option with three absurd values, drawn from a fixed seed.
    static func invocations(model: String) -> [[String]] {
        var rng = SeededGenerator(seed: 12)
        var out: [[String]] = []
        for (base, options) in commands(model: model) {
            for option in options {
                for _ in 0..<3 {
                    let value = absurd[Int(rng.next() % UInt64(absurd.count))]
                    var arguments = base
                    if let i = arguments.firstIndex(of: option) { arguments[i + 1] = value } else { arguments += [option, value] }
                    out.append(arguments)
                }
            }
        }
        return out
    }

    @Test("at least 200 generated bad invocations across every command: exit 0, 1 or 64, one line, no crash")
    func generated() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("xor_numpy_seed42_model.json"),
                                         to: folder.appendingPathComponent("m.json"))
        let invocations = Self.invocations(model: "m.json")
        #expect(invocations.count >= 200)
        var failures: [String] = []
        var refused = 0
        for arguments in invocations {
            let run = try backprop(arguments, in: folder)
            if run.status != 0 { refused += 1 }
            let lines = run.stderr.split(separator: "\n").filter { !$0.hasPrefix("backprop: warning:") }
            let crashed = run.stderr.contains("Fatal error") || run.stderr.contains("Stack dump") || run.stderr.contains("Backtrace")
            let ok = run.status == 0 ? !crashed : [1, 64].contains(run.status) && lines.count == 1 && !crashed
            if !ok { failures.append("\(arguments.joined(separator: " ")) → exit \(run.status): \(run.stderr.prefix(300))") }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(invocations.count):\n\(failures.joined(separator: "\n"))")
        #expect(refused >= invocations.count * 2 / 3, "only \(refused) of \(invocations.count) were refused: the values are not absurd enough")
    }
}
