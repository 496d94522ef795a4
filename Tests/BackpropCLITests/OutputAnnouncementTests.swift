import Foundation
import Testing

/// Every file a command writes is named on stderr; `train --print-every` thins the epoch lines.
@Suite("Written files are announced; --print-every")
struct OutputAnnouncementTests {
    @Test("train --plots, --report, --checkpoint-every and explain --svg each say what they wrote")
    func announced() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try backprop(["train", "--data", "circles", "--samples", "100", "--layers", "2,4,2", "--epochs", "2",
                                "--plots", "pics", "--report", "r.html", "--checkpoint-every", "1", "--checkpoint", "ck-{epoch}.json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        for file in ["pics/loss.svg", "pics/boundary.svg", "r.html", "ck-1.json", "ck-2.json"] {
            #expect(run.stderr.contains("wrote \(file)\n"), "\(file): \(run.stderr)")
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path))
        }
        let explain = try backprop(["explain", "--svg", "step.svg"], in: folder)
        #expect(explain.status == 0 && explain.stderr == "wrote step.svg\n", "\(explain.stderr)")
    }

    @Test("--print-every 5: the lines of epochs 5 and 10 (the last); 0 is refused")
    func printEvery() throws {
        let run = try backprop(["train", "--data", "xor", "--layers", "2,3,2", "--epochs", "12", "--print-every", "5"])
        #expect(run.status == 0, "\(run.stderr)")
        let table = run.stdout.components(separatedBy: "\ntrained ")[0]          // the epoch lines, before the summary
        let epochs = table.split(separator: "\n").compactMap { line -> Int? in
            let cells = line.split(separator: " ")
            return cells.count >= 4 ? Int(cells[0]) : nil
        }
        #expect(epochs == [5, 10, 12], "\(run.stdout)")
        let refused = try backprop(["train", "--data", "xor", "--print-every", "0"])
        #expect(refused.status == 64 && refused.stderr.contains("--print-every must be ≥ 1 (got 0)"), "\(refused.stderr)")
    }
}

@Suite("--print-every and a run that stops early")
struct PrintEveryEarlyStopTests {
    @Test("the run's last epoch is always shown, even when it stops before a printed one")
    func lastEpochShown() throws {
        let run = try backprop(["train", "--data", "circles", "--samples", "200", "--layers", "2,4,2", "--epochs", "300",
                                "--print-every", "1000", "--patience", "1", "--validation-split", "0.25", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let epochs = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])["epochs"] as? [Any]
        let text = try backprop(["train", "--data", "circles", "--samples", "200", "--layers", "2,4,2", "--epochs", "300",
                                 "--print-every", "1000", "--patience", "1", "--validation-split", "0.25"])
        let table = text.stdout.components(separatedBy: "\ntrained ")[0].split(separator: "\n").compactMap { line -> Int? in
            let cells = line.split(separator: " ")
            return cells.count >= 4 ? Int(cells[0]) : nil
        }
        #expect(table == [epochs?.count ?? -1], "\(text.stdout)")
    }
}

@Suite("The shipped examples")
struct ExampleDataTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    @Test("examples/iris.csv: the README's command learns it (test accuracy 1.0) and predicts the two flowers it shows")
    func iris() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = Self.examples.appendingPathComponent("iris.csv").path
        let run = try backprop(["train", "--data", data, "--layers", "4,8,3", "--lr", "0.05", "--batch", "8", "--epochs", "100",
                                "--test-split", "0.3", "--save", "iris.json"], in: folder)
        #expect(run.status == 0 && run.stdout.contains("test accuracy 1.0000 (45 samples)"), "\(run.stdout) \(run.stderr)")
        let predict = try backprop(["predict", "--model", "iris.json", "--input", "5.1,3.5,1.4,0.2", "--input", "6.7,3.0,5.2,2.3"], in: folder)
        #expect(predict.stdout.contains("→ setosa") && predict.stdout.contains("→ virginica"), "\(predict.stdout)")
        #expect(try String(contentsOfFile: data, encoding: .utf8).split(separator: "\n").count == 151)
    }
}
