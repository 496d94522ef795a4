import Foundation
import Testing
@testable import Backprop

/// Outputs that are the process's own streams, links, and first rows that only look like headers.
@Suite("Outputs: /dev/stdout as the shell set it up, links judged by what they name")
struct StreamAndLinkTests {
    /// Runs `script` with /bin/sh in `folder`, `$B` the backprop binary; returns the exit status.
    func shell(_ script: String, in folder: URL) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(["B": try backpropBinary().path]) { $1 }
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A new folder holding c.json, a 2-4-2 circles classifier.
    func folderWithModel() throws -> URL {
        let folder = try temporaryFolder()
        #expect(try backprop(["train", "--data", "circles", "--layers", "2,4,2", "--epochs", "2", "--save", "c.json"], in: folder).status == 0)
        return folder
    }

    func text(_ folder: URL, _ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    @Test("--out /dev/stdout and --save /dev/stdout write to the stream: a file it was redirected to is appended to, not replaced")
    func standardStreams() throws {
        let folder = try folderWithModel()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "0.1,0.2\n0.3,0.4\n".write(to: folder.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        #expect(try shell("{ echo HEADER; \"$B\" predict --model c.json --csv in.csv --out /dev/stdout; echo FOOTER; } > report.txt", in: folder) == 0)
        let report = try text(folder, "report.txt").split(separator: "\n")
        #expect(report.first == "HEADER" && report.last == "FOOTER" && report.count == 5, "\(report)")
        try "previous\n".write(to: folder.appendingPathComponent("app.txt"), atomically: true, encoding: .utf8)
        #expect(try shell("\"$B\" predict --model c.json --csv in.csv --out /dev/fd/1 >> app.txt", in: folder) == 0)
        #expect(try text(folder, "app.txt").hasPrefix("previous\nclass,"))
        // A model to stdout (a file): the training log and the model, in order; nothing written beside /dev/stdout.
        #expect(try shell("\"$B\" train --data circles --layers 2,4,2 --epochs 2 --save /dev/stdout > log.txt", in: folder) == 0)
        let log = try text(folder, "log.txt")
        #expect(log.hasPrefix("Training 2-4-2") && log.contains("\"format\": \"backprop-model\""), "\(log.prefix(300))")
        #expect(!FileManager.default.fileExists(atPath: "/dev/stdout.new") && !FileManager.default.fileExists(atPath: "/dev/stdout.worse"))
        // And a pipe.
        #expect(try shell("\"$B\" predict --model c.json --csv in.csv --out /dev/stdout | cat > piped.txt", in: folder) == 0)
        #expect(try text(folder, "piped.txt").hasPrefix("class,"))
    }

    @Test("a link named for this kind of output, pointing at another kind of file, is refused; a link loop is refused")
    func links() throws {
        let folder = try folderWithModel()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "0.1,0.2\n".write(to: folder.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        let model = try Data(contentsOf: folder.appendingPathComponent("c.json"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("looks.csv").path, withDestinationPath: "c.json")
        let refused = try backprop(["predict", "--model", "c.json", "--csv", "in.csv", "--out", "looks.csv"], in: folder)
        #expect(refused.status == 64 && refused.stderr.contains("--out looks.csv: it links to ./c.json, a file of another kind"), "\(refused.stderr)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("c.json")) == model)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("loop1.json").path, withDestinationPath: "loop2.json")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("loop2.json").path, withDestinationPath: "loop1.json")
        expectInputError(try backprop(["train", "--data", "circles", "--layers", "2,4,2", "--epochs", "1", "--save", "loop1.json"], in: folder),
                         "its symbolic links loop")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("loop1.json").path) == "loop2.json")
    }

    @Test("predict: a first row with an empty field is a row (refused by name), not a header; --json with --out is refused")
    func predictRows() throws {
        let folder = try folderWithModel()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "0.1,\n0.3,0.4\n".write(to: folder.appendingPathComponent("gap.csv"), atomically: true, encoding: .utf8)
        expectInputError(try backprop(["predict", "--model", "c.json", "--csv", "gap.csv"], in: folder), "gap.csv: line 1, column 2: an empty field is not a number")
        try "x1,x2\n0.3,0.4\n".write(to: folder.appendingPathComponent("named.csv"), atomically: true, encoding: .utf8)
        let named = try backprop(["predict", "--model", "c.json", "--csv", "named.csv"], in: folder)
        #expect(named.status == 0 && named.stdout.split(separator: "\n").count == 2, "a header of names is still skipped: \(named.stdout)")
        let both = try backprop(["predict", "--model", "c.json", "--csv", "named.csv", "--json", "--out", "o.csv"], in: folder)
        #expect(both.status == 64 && both.stderr.contains("--out writes the predictions as CSV, --json prints them as JSON"), "\(both.stderr)")
    }
}
