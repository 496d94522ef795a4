import Foundation
import Testing
@testable import Backprop

/// `backprop exercise`, run as a user runs it: piped answers, a file of answers, a worksheet.
@Suite("backprop exercise")
struct ExerciseCommandTests {
    @Test("piped answers: checked one by one, a mistake named with the right working, exit 2; all right: exit 0")
    func interactive() throws {
        let e = try Exercise.draw(seed: 7)
        var lines = e.questions.map { String(format: "%.4g", $0.answer) }
        let d2 = try #require(e.question("delta2[0]"))
        let a2 = e.trace.layers[1].a[0, 0]
        lines[7] = String(format: "%.4g", a2 - e.target[0])         // δ² without σ'
        lines[3] = "abc\n" + lines[3]                                 // not a number: asked again
        let run = try backprop(["exercise", "--seed", "7"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stdout.contains("δ²[0] = \(lines[7])\n  ✗ not \(lines[7]) — likely mistake (forgot-derivative)"), "\(run.stdout)")
        #expect(run.stdout.contains("the right computation: δ²[0] = (a²[0] − y[0]) · σ'(z²[0])"))
        #expect(run.stdout.contains("'abc' is not a number"))
        #expect(run.stdout.contains("✓ right (\(Exercise.full(d2.answer == 0 ? 0 : e.questions[0].answer)))"))
        #expect(run.stdout.hasSuffix("27 of 28 right\n"), "\(run.stdout.suffix(200))")

        let all = try backprop(["exercise", "--seed", "7", "--steps", "forward,loss"],
                               stdin: e.questions.prefix(7).map { String(format: "%.4g", $0.answer) }.joined(separator: "\n") + "\n")
        #expect(all.status == 0 && all.stdout.hasSuffix("7 of 7 right\n"), "\(all.stdout)")
        let early = try backprop(["exercise", "--seed", "7"], stdin: "0.8024\n")
        #expect(early.status == 2 && early.stdout.contains("stopped at question 2 of 28 (end of input)") && early.stdout.contains("1 of 28 right (27 not answered)"))
    }

    @Test("--answers grades a file at once; --json gives the results with mistake ids")
    func answersFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let examples = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")
        let file = examples.appendingPathComponent("answers-7.json").path
        let text = try backprop(["exercise", "--seed", "7", "--answers", file])
        #expect(text.status == 2 && text.stdout.contains("23 of 28 right"), "\(text.stdout)\(text.stderr)")
        let json = try backprop(["exercise", "--seed", "7", "--answers", file, "--json"])
        #expect(json.status == 2)
        let results = try #require(try JSON.parse(json.stdout)["results"]?.array)
        #expect(results.count == 28)
        let mistakes = Dictionary(uniqueKeysWithValues: results.compactMap { r in r["mistake"]?.string.map { (r["id"]!.string!, $0) } })
        #expect(mistakes == ["loss": "missing-factor", "delta2[0]": "forgot-derivative", "delta1[0]": "updated-weights-used",
                             "db2[0]": "delta-times-input", "W_new2[0][0]": "wrong-sign"])
        let right = folder.appendingPathComponent("right.json")
        let e = try Exercise.draw(seed: 7)
        try Data(("{" + e.questions.map { "\"\($0.id)\": \($0.answer)" }.joined(separator: ", ") + "}").utf8).write(to: right)
        #expect(try backprop(["exercise", "--seed", "7", "--answers", right.path]).status == 0)
        expectInputError(try backprop(["exercise", "--seed", "7", "--answers", folder.appendingPathComponent("none.json").path]), "no such file")
        expectInputError(try backprop(["exercise", "--seed", "7", "--answers", folder.path]), "is a folder")
        try Data("{\"z1[7]\": 1}".utf8).write(to: right)
        expectInputError(try backprop(["exercise", "--seed", "7", "--answers", right.path]), "no question \"z1[7]\"")
    }

    @Test("--worksheet writes a printable page (announced), the same for the same seed; --key adds the answers")
    func worksheet() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sheet = folder.appendingPathComponent("sheet.html")
        let run = try backprop(["exercise", "--seed", "3", "--worksheet", sheet.path])
        #expect(run.status == 0 && run.stderr.contains("wrote \(sheet.path)"), "\(run.stderr)")
        let first = try String(contentsOf: sheet, encoding: .utf8)
        #expect(first.contains("<svg") && first.contains("class=\"blank\"") && !first.contains("class=\"answer\""))
        _ = try backprop(["exercise", "--seed", "3", "--worksheet", sheet.path])
        #expect(try String(contentsOf: sheet, encoding: .utf8) == first)
        _ = try backprop(["exercise", "--seed", "3", "--worksheet", sheet.path, "--key"])
        #expect(try String(contentsOf: sheet, encoding: .utf8).contains("class=\"working\""))
    }

    @Test("bad options: one clear line, exit 64 or 1")
    func badOptions() throws {
        let steps = try backprop(["exercise", "--steps", "forward,backward"])
        #expect(steps.status == 64 && steps.stderr.contains("'backward' is not a step"))
        let model = try backprop(["exercise", "--model", "x.json"])
        #expect(model.status == 64 && model.stderr.contains("--model needs the sample too"))
        let layers = try backprop(["exercise", "--layers", "2,9,1"])
        #expect(layers.status == 64 && layers.stderr.contains("--layers must be 2 to 6 sizes of 1 to 6 neurons"), "\(layers.stderr)")
        let softmax = try backprop(["exercise", "--activation", "softmax"])
        #expect(softmax.status == 64 && softmax.stderr.contains("softmax goes with --loss softmax-cross-entropy"), "\(softmax.stderr)")
        for layers in ["2,2,1", "1,1", "3,2,1"] {                        // crashed (SIGILL) in Network's own check
            let one = try backprop(["exercise", "--loss", "softmax-cross-entropy", "--layers", layers])
            #expect(one.status == 64 && one.stderr.contains("softmax-cross-entropy needs at least 2 outputs"), "\(layers): \(one.stderr)")
        }
        #expect(try backprop(["exercise", "--loss", "softmax-cross-entropy", "--layers", "2,2,2", "--json"]).status == 0)
        let noLines = try backprop(["exercise"], stdin: String(repeating: "0", count: 100_000))     // < /dev/zero filled the memory
        expectInputError(noLines, "standard input: an answer is not a line of text (more than 4096 bytes")
        #expect(noLines.stdout.contains("stopped at question 1 of") && noLines.stdout.contains("(the input is not text)"), "\(noLines.stdout.suffix(200))")
        let binary = try backprop(["exercise"], stdin: "0.5\n\u{1}\u{2}\u{7F}ELF\u{0}\n")              // a binary file as the answers
        expectInputError(binary, "standard input: an answer is not a line of text")
        #expect(!binary.stdout.contains("ELF"), "not echoed: \(binary.stdout.suffix(300))")
        let key = try backprop(["exercise", "--key"])
        #expect(key.status == 64 && key.stderr.contains("--key goes with --worksheet or --json"))
        let lr = try backprop(["exercise", "--lr", "1e300", "--json"])       // usage, as --lr -1 is: exit 64
        #expect(lr.status == 64 && lr.stderr.contains("--lr must be more than 0 and at most 100"), "\(lr.stderr)")
        let sheet = try backprop(["exercise", "--worksheet", "sheet.txt"], in: try temporaryFolder())
        #expect(sheet.status == 64 && sheet.stderr.contains("--worksheet writes the worksheet (HTML), to a .html or .htm file"), "\(sheet.stderr)")
        let mazur = try backprop(["exercise", "--model", fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/step-by-step.json").path, "--input", "0.05,0.1", "--target", "0.01,0.99", "--json", "--key"])
        #expect(mazur.status == 0)
        let loss = try JSON.parse(mazur.stdout)["questions"]?.array?.first { $0["id"]?.string == "loss" }
        #expect(loss?["answer"]?.number.flatMap(Double.init).map { abs($0 - 0.298371109) < 1e-9 } == true)
        expectInputError(try backprop(["exercise", "--model", "/nonexistent.json", "--input", "1,2", "--target", "1"]), "no such file")
    }
}
