import Foundation
import Testing
@testable import Backprop

/// The findings of "trust at the edges", each as the command a user ran: every one ends in one
/// line and exit 1 or 64, or does the right thing, and nothing on disk is lost.
@Suite("The command line at the edges")
struct EdgeCommandTests {
    func write(_ text: String, _ name: String, in folder: URL) throws {
        try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func expectUsage(_ run: Run, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == 64, "exit \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderr.split(separator: "\n").count == 1 && run.stderr.contains(message), "\(run.stderr)", sourceLocation: sourceLocation)
    }

    @Test("sizes: a huge batch, samples or network is refused before allocating; a batch above the data is said")
    func sizes() throws {
        expectUsage(try backprop(["train", "--data", "xor", "--batch", "1000000000"]), "--batch must be at most 1000000")
        expectUsage(try backprop(["train", "--data", "xor", "--samples", "9223372036854775807"]), "--samples must be at most 10000000")
        expectInputError(try backprop(["train", "--data", "xor", "--layers", "2,100000000,2"]), "--layers 2,100000000,2 needs")
        let run = try backprop(["train", "--data", "xor", "--samples", "40", "--batch", "500", "--epochs", "1"])
        #expect(run.status == 0 && run.stdout.contains("batch 500 (more than the 40 training samples: one batch of 40 per epoch)"), "\(run.stdout)")
        #expect(run.stdout.contains(", 1 epoch, ") && run.stdout.contains("trained 1 epoch in"))     // no "1 epochs"
    }

    @Test("a CSV with a byte-order mark and no header: every row trains, and predict answers every row")
    func byteOrderMark() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rows = (0..<120).map { "\(Double($0 % 7) / 2),\(Double($0 % 5)),\($0 % 2 == 0 ? "a" : "b")" }
        try write("\u{FEFF}" + rows.joined(separator: "\n") + "\n", "bom.csv", in: folder)
        let run = try backprop(["train", "--data", "bom.csv", "--epochs", "1", "--save", "m.json"], in: folder)
        #expect(run.status == 0 && run.stdout.contains(": 120 samples"), "\(run.stdout)\(run.stderr)")
        try write("\u{FEFF}4.8,3\n5,1\n1,2\n2,2\n3,3\n", "in.csv", in: folder)
        let predicted = try backprop(["predict", "--model", "m.json", "--csv", "in.csv"], in: folder)
        #expect(predicted.status == 0 && predicted.stdout.split(separator: "\n").count == 6, "\(predicted.stdout)")   // header + 5
    }

    @Test("empty labels, out-of-range values, semicolons and tabs: named, or read")
    func csvFindings() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("1,2,a\n3,4,\n5,6,b\n", "empty.csv", in: folder)
        expectInputError(try backprop(["train", "--data", "empty.csv"], in: folder), "empty.csv: line 2, column 3: an empty label")
        #expect(try backprop(["train", "--data", "empty.csv", "--missing", "drop", "--epochs", "1"], in: folder).status == 0)
        try write("1,2,a\n3,1e39,b\n", "big.csv", in: folder)
        expectInputError(try backprop(["train", "--data", "big.csv"], in: folder), "big.csv: line 2, column 2: 1e39 is out of range for Float")
        try write("x;y;label\n" + (0..<40).map { "\($0 % 4),5;\($0 % 3);\($0 % 2)" }.joined(separator: "\n") + "\n", "semi.csv", in: folder)
        let semi = try backprop(["train", "--data", "semi.csv", "--epochs", "1", "--json"], in: folder)
        #expect(semi.status == 0, "\(semi.stderr)")
        try write((0..<40).map { "\($0 % 4)\t\($0 % 3)\t\($0 % 2)" }.joined(separator: "\n") + "\n", "tab.tsv", in: folder)
        #expect(try backprop(["train", "--data", "tab.tsv", "--epochs", "1"], in: folder).status == 0)
        expectInputError(try backprop(["train", "--data", "semi.csv", "--delimiter", "comma"], in: folder), "give another with --delimiter")
    }

    @Test("saves: /dev/null is written to and stays a device; a symlink is followed; a diverged run keeps the existing model")
    func saves() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try backprop(["train", "--data", "xor", "--samples", "40", "--epochs", "1", "--save", "/dev/null"]).status == 0)
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        #expect(try backprop(["train", "--data", "circles", "--layers", "2,16,2", "--epochs", "2", "--save", "good.json"], in: folder).status == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.json").path, withDestinationPath: "good.json")
        let before = try Data(contentsOf: folder.appendingPathComponent("good.json"))
        let diverged = try backprop(["train", "--data", "circles", "--layers", "2,16,2", "--output", "identity", "--loss", "squared-error",
                                     "--lr", "100", "--epochs", "20", "--save", "link.json"], in: folder)
        #expect(diverged.status == 3)
        #expect(diverged.stderr.contains("saved them to link.diverged.json (link.json already held a model, and is left as it was)"), "\(diverged.stderr)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("good.json")) == before)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("link.diverged.json").path))
        // NAME.diverged.json names a file already (a trial had its --test set there): the next free name
        try write("keep me\n", "t.diverged.json", in: folder)
        let test = try Data(contentsOf: folder.appendingPathComponent("t.diverged.json"))
        try FileManager.default.copyItem(at: folder.appendingPathComponent("good.json"), to: folder.appendingPathComponent("t.json"))
        let again = try backprop(["train", "--data", "circles", "--layers", "2,16,2", "--output", "identity", "--loss", "squared-error",
                                  "--lr", "100", "--epochs", "20", "--save", "t.json"], in: folder)
        #expect(again.status == 3 && again.stderr.contains("saved them to t.diverged-2.json"), "\(again.stderr)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("t.diverged.json")) == test)
        #expect(try backprop(["train", "--data", "circles", "--layers", "2,16,2", "--epochs", "1", "--save", "link.json", "--overwrite"], in: folder).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("link.json").path) == "good.json")
        #expect(try Data(contentsOf: folder.appendingPathComponent("good.json")) != before)
    }

    @Test("label columns: 0 is a usage error, a header name given twice is refused; a 100 KB field is quoted short; a penalty that diverges is named")
    func labelsAndMessages() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n", "d.csv", in: folder)
        for column in ["0", "-1"] {
            let run = try backprop(["train", "--data", "d.csv", "--label-column", column], in: folder)
            #expect(run.status == 64 && run.stderr.contains("--label-column counts columns from 1"), "\(run.stderr)")
        }
        try write("a,a,label\n1,2,x\n3,4,y\n5,6,x\n", "dup.csv", in: folder)
        expectInputError(try backprop(["train", "--data", "dup.csv", "--label-column", "a"], in: folder),
                         "the header names columns 1 and 2 \"a\"; give the label column by its number")
        try write("a,b,label\n1," + String(repeating: "x", count: 100_000) + ",y\n", "long.csv", in: folder)
        let long = try backprop(["train", "--data", "long.csv"], in: folder)
        expectInputError(long, "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (100000 characters)' is not a number")
        #expect(long.stderr.utf8.count < 300)
        for (option, value) in [("--l1", "1e30"), ("--weight-decay", "1e30")] {
            let run = try backprop(["train", "--data", "d.csv", option, value, "--epochs", "3"], in: folder)
            #expect(run.status == 3 && run.stderr.contains("Try a lower learning rate (it is 0.1) or a lower \(option) (it is 1e+30: η·λ = 1e+29"), "\(run.stderr)")
        }
        try write("x,y\n" + (0..<40).map { "\($0),\($0 % 2 == 0 ? "3e38" : "-3e38")" }.joined(separator: "\n") + "\n", "huge.csv", in: folder)
        let huge = try backprop(["train", "--data", "huge.csv", "--task", "regression", "--epochs", "2"], in: folder)
        #expect(huge.status == 3 && huge.stderr.contains("or smaller targets (they reach 3e+38, and the loss squares them; Backprop scales the inputs, not the targets)"), "\(huge.stderr)")
    }

    @Test("a missing --save or --checkpoint folder is found before training; a checkpoint that fails later stops the run with exit 1")
    func destinations() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let long = ["train", "--data", "circles", "--samples", "2000", "--layers", "2,64,64,2", "--epochs", "100000"]
        let started = Date()
        expectInputError(try backprop(long + ["--save", "nowhere/m.json"], in: folder), "--save nowhere/m.json: the folder nowhere does not exist")
        expectInputError(try backprop(long + ["--checkpoint-every", "1", "--checkpoint", "nowhere/ck.json"], in: folder), "--checkpoint nowhere/ck.json")
        expectInputError(try backprop(long + ["--report", "nowhere/r.html"], in: folder), "--report nowhere/r.html")
        #if os(Linux)                                   // a folder that says "writable" to root, where no file can be made
        expectInputError(try backprop(long + ["--save", "/proc/m.json"], in: folder), "--save /proc/m.json: ")   // (root: cannot create; others: not writable)
        expectInputError(try backprop(long + ["--report", "/proc/r.html"], in: folder), "--report /proc/r.html: ")
        expectInputError(try backprop(long + ["--checkpoint-every", "1", "--checkpoint", "/proc/ck.json"], in: folder),
                         "--checkpoint /proc/ck.json: ")
        #endif
        #expect(Date().timeIntervalSince(started) < 30)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("ck/1"), withIntermediateDirectories: true)
        let run = try backprop(["train", "--data", "xor", "--samples", "40", "--epochs", "5", "--checkpoint-every", "1",
                                "--checkpoint", "ck/{epoch}/c.json"], in: folder)
        #expect(run.status == 1 && run.stderr.contains("no checkpoint after epoch 2"), "\(run.stderr)")
    }

    @Test("predict and evaluate: out-of-range inputs, /dev/null and folders are named; evaluate takes the task from the model")
    func predictAndEvaluate() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = fixtures.appendingPathComponent("xor_numpy_seed42_model.json").path
        expectInputError(try backprop(["predict", "--model", model, "--input", "1e39,1"]), "--input 1e39,1: 1e+39 is out of range for Float")
        expectInputError(try backprop(["predict", "--model", model, "--input", "0,1", "--input", "1,2,3"]),    // which --input: its text
                         "--input 1,2,3 has 3 numbers, but \(model) takes 2 inputs")
        expectInputError(try backprop(["predict", "--model", model, "--csv", "/dev/null"]), "/dev/null is empty")
        expectInputError(try backprop(["predict", "--model", model, "--csv", folder.path]), "is a folder, not a file")
        let stream = TrainingPlan.gigabytes(Double(DataSource.maximumStreamBytes)), file = TrainingPlan.gigabytes(Double(DataSource.maximumFileBytes))
        if FileManager.default.fileExists(atPath: "/dev/zero") {          // endless: read up to 1 GB, then refused (it filled the memory)
            expectInputError(try backprop(["train", "--data", "/dev/zero"]), "/dev/zero gives more than \(stream) (a device or a pipe); save the data to a file first")
        }
        // A file larger than the bound (sparse: no disk used) is refused from its size, through a symlink too.
        let big = folder.appendingPathComponent("big.csv").path
        #expect(FileManager.default.createFile(atPath: big, contents: nil) && truncate(big, off_t(DataSource.maximumFileBytes) + 1) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.csv").path, withDestinationPath: "big.csv")
        for name in ["big.csv", "link.csv"] {
            expectInputError(try backprop(["train", "--data", name], in: folder), "Backprop reads files of at most \(file) on this machine")
        }
        // A regression target of few whole numbers: evaluate must not guess classes.
        try write("x,y\n" + (0..<60).map { "\(Double($0) / 10),\($0 % 3)" }.joined(separator: "\n") + "\n", "r.csv", in: folder)
        #expect(try backprop(["train", "--data", "r.csv", "--task", "regression", "--epochs", "2", "--save", "r.json"], in: folder).status == 0)
        let evaluated = try backprop(["evaluate", "--model", "r.json", "--data", "r.csv", "--json"], in: folder)
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(try JSON.parse(evaluated.stdout)["accuracy"] == .null)
        // A regression model on data with classes (and the other way round): refused, no accuracy made up.
        #expect(try backprop(["train", "--data", "plane", "--layers", "2,4,1", "--samples", "60", "--epochs", "2", "--save", "plane.json"], in: folder).status == 0)
        expectInputError(try backprop(["evaluate", "--model", "plane.json", "--data", "xor"], in: folder),
                         "plane.json predicts numbers (regression) and xor has classes")
        #expect(try backprop(["train", "--data", "xor", "--layers", "2,4,1", "--samples", "60", "--epochs", "2", "--save", "x1.json"], in: folder).status == 0)
        expectInputError(try backprop(["evaluate", "--model", "x1.json", "--data", "plane"], in: folder),
                         "x1.json predicts classes and plane has numeric targets")
        // Weights at the edge of Float: outputs that overflow are named, not drawn blank or evaluated.
        var huge = Network<Float>(sizes: [2, 8, 2], activation: .relu, output: .softmax, seed: 1)
        for l in huge.layers.indices { huge.layers[l].weights = Matrix(rows: huge.layers[l].outputSize, cols: huge.layers[l].inputSize, repeating: 3e38) }
        try ModelFile(network: huge, classes: ["a", "b"]).write(to: folder.appendingPathComponent("huge.json").path)
        expectInputError(try backprop(["plot", "--model", "huge.json", "--data", "xor", "--out", "p"], in: folder),
                         "huge.json gives a non-finite output on xor, row 1")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("p/boundary.svg").path))
        expectInputError(try backprop(["evaluate", "--model", "huge.json", "--data", "xor"], in: folder), "huge.json gives a non-finite loss on xor")
    }

    @Test("standard output that cannot be written (/dev/full) is an error with exit 1, not a silent exit 0", .enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func fullStandardOutput() throws {
        let model = fixtures.appendingPathComponent("xor_numpy_seed42_model.json").path
        for arguments in [["predict", "--model", model, "--input", "1,0"], ["evaluate", "--model", model, "--data", "xor"], ["gradcheck"],
                          ["--help"], ["train", "--help"], ["--version"]] {
            let process = Process()
            process.executableURL = try backpropBinary()
            process.arguments = arguments
            process.standardOutput = try #require(FileHandle(forWritingAtPath: "/dev/full"))
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationReason == .exit && process.terminationStatus == 1, "\(arguments[0]): exit \(process.terminationStatus)")
            #expect(stderr == "Error: cannot write to standard output: No space left on device\n", "\(arguments[0]): \(stderr)")
        }
    }

    @Test("two classes with one sigmoid output train, evaluate and predict class names")
    func oneSigmoidOutput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("a,b,label\n" + (0..<80).map { "\($0 % 9),\($0 % 4),\($0 % 9 > 4 ? "yes" : "no")" }.joined(separator: "\n") + "\n", "two.csv", in: folder)
        let run = try backprop(["train", "--data", "two.csv", "--layers", "2,8,1", "--output", "sigmoid", "--epochs", "5", "--save", "m.json"], in: folder)
        #expect(run.status == 0 && run.stdout.contains("binary-cross-entropy"), "\(run.stderr)")
        #expect(try backprop(["evaluate", "--model", "m.json", "--data", "two.csv"], in: folder).status == 0)
        let predicted = try backprop(["predict", "--model", "m.json", "--input", "8,1"], in: folder)
        #expect(predicted.status == 0 && (predicted.stdout.contains("yes") || predicted.stdout.contains("no")))
    }

    @Test("options that would do nothing are warned about, in train and evaluate; early stopping without validation says training loss")
    func ineffectiveOptions() throws {
        let train = try backprop(["train", "--data", "xor", "--samples", "40", "--epochs", "1", "--min-lr", "0.01",
                                  "--checkpoint", "c.json", "--loss-scale", "linear"])
        #expect(train.status == 0)
        for warning in ["--min-lr has no effect without --schedule cosine", "--checkpoint has no effect without --checkpoint-every",
                        "--loss-scale has no effect without --plots or --report"] {
            #expect(train.stderr.contains("backprop: warning: \(warning)"), "\(train.stderr)")
        }
        let model = fixtures.appendingPathComponent("xor_numpy_seed42_model.json").path
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n".write(to: folder.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        let evaluate = try backprop(["evaluate", "--model", model, "--data", "x.csv", "--samples", "100"], in: folder)
        #expect(evaluate.stderr.contains("--samples has no effect on x.csv"), "\(evaluate.stderr)")
        let stopped = try backprop(["train", "--data", "circles", "--samples", "200", "--lr", "5", "--patience", "1", "--epochs", "50"])
        #expect(stopped.stdout.contains("stopped early: no better training loss"), "\(stopped.stdout)")
    }

    @Test("a validation split that leaves almost nothing is said; a port in use is named, not NIO's errno")
    func saidNotSilent() throws {
        let run = try backprop(["train", "--data", "xor", "--samples", "200", "--validation-split", "0.99", "--epochs", "1"])
        #expect(run.status == 0 && run.stderr.contains("warning: the run trains on 2 samples only"), "\(run.stderr)")
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        _ = listen(listener, 1)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        expectInputError(try backprop(["serve", "--port", String(port)]), "port \(port) on 127.0.0.1 is in use")
    }
}

@Suite("Outputs never land on inputs; resume from anywhere")
struct CollisionTests {
    /// A folder holding `m.json` (a copy of the XOR fixture, whose path is returned too) and `in.csv` (two rows of inputs).
    func modelAndInputs() throws -> (folder: URL, model: String) {
        let folder = try temporaryFolder()
        let model = fixtures.appendingPathComponent("xor_numpy_seed42_model.json").path
        try FileManager.default.copyItem(atPath: model, toPath: folder.appendingPathComponent("m.json").path)
        try "1,2\n3,4\n".write(to: folder.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        return (folder, model)
    }

    @Test("every output is checked against the inputs and the other outputs, {epoch}, symlinks and --plots' pictures included")
    func collisions() throws {
        let (folder, model) = try modelAndInputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "x1,x2,label\n0,0,a\n1,1,b\n".write(to: folder.appendingPathComponent("d.json"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.html").path, withDestinationPath: "new.json")
        try FileManager.default.copyItem(atPath: model, toPath: folder.appendingPathComponent("model.svg").path)   // a model, named .svg
        for sub in ["pics", "d", "lnk"] { try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true) }
        try FileManager.default.copyItem(atPath: model, toPath: folder.appendingPathComponent("pics/network.svg").path)
        try "x1,x2,label\n0,0,a\n1,1,b\n".write(to: folder.appendingPathComponent("d/boundary.svg"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("lnk/network.svg").path, withDestinationPath: "../m.json")
        let train = ["train", "--data", "xor", "--samples", "40", "--epochs", "3"]
        for (arguments, message) in [
            (train + ["--checkpoint-every", "1", "--checkpoint", "pp-{epoch}.json", "--save", "pp-3.json"], "--checkpoint pp-{epoch}.json is also --save pp-3.json"),
            (train + ["--save", "new.json", "--report", "link.html"], "--report link.html is also --save new.json"),
            (train + ["--plots", "out.json", "--save", "out.json"], "--plots out.json is also --save out.json"),
            (["train", "--data", "d.json", "--save", "d.json"], "--save d.json is also --data d.json"),      // (a CSV, named .json)
            (["predict", "--model", "m.json", "--csv", "in.csv", "--out", "in.csv"], "--out in.csv is also --csv in.csv"),
            (["explain", "--model", "model.svg", "--input", "1,2", "--target", "1", "--svg", "./model.svg"], "--svg ./model.svg is also --model model.svg"),
            (["plot", "--model", "pics/network.svg", "--out", "pics"], "--out pics/network.svg is also --model pics/network.svg"),
            (["plot", "--model", "m.json", "--data", "d/boundary.svg", "--out", "d"], "--out d/boundary.svg is also --data d/boundary.svg"),
            (["plot", "--model", "lnk/network.svg", "--out", "lnk"], "--out lnk/network.svg is also --model lnk/network.svg"),
            (["convert", "m.json", "./m.json"], "the output ./m.json is also the input m.json"),
        ] {
            expectInputError(try backprop(arguments, in: folder), message)
        }
        #expect(try Data(contentsOf: folder.appendingPathComponent("m.json")) == Data(contentsOf: URL(fileURLWithPath: model)))
        #expect(try Data(contentsOf: folder.appendingPathComponent("pics/network.svg")) == Data(contentsOf: URL(fileURLWithPath: model)))
        #expect(try String(contentsOf: folder.appendingPathComponent("d/boundary.svg"), encoding: .utf8) == "x1,x2,label\n0,0,a\n1,1,b\n")
        #expect(try String(contentsOf: folder.appendingPathComponent("in.csv"), encoding: .utf8) == "1,2\n3,4\n")
        // A checkpoint converts to its model, and says that its training state stays behind.
        #expect(try backprop(train + ["--checkpoint-every", "3", "--checkpoint", "ck.json"], in: folder).status == 0)
        let converted = try backprop(["convert", "ck.json", "ck-model.json"], in: folder)
        #expect(converted.status == 0 && converted.stderr.contains("ck.json is a checkpoint; ck-model.json has its model, not its training state"), "\(converted.stderr)")
        let again = try backprop(["train", "--resume", "ck.json", "--epochs", "4"], in: folder)
        #expect(again.status == 0 && !again.stderr.contains("warning"), "the checkpoint is intact: \(again.stderr)")
        // Resuming from a copy writes where the original run wrote: said, before the work.
        try FileManager.default.copyItem(at: folder.appendingPathComponent("ck.json"), to: folder.appendingPathComponent("copy.json"))
        let copy = try backprop(["train", "--resume", "copy.json", "--epochs", "5"], in: folder)
        #expect(copy.status == 0 && copy.stderr.contains("backprop: warning: checkpoints go to ck.json (the checkpoint's --checkpoint), not to copy.json; --checkpoint copy.json writes them there"), "\(copy.stderr)")
    }

    @Test("an output named for another kind of file is refused before any work (exit 64), the file there left as it was; devices pass")
    func outputNames() throws {
        let (folder, model) = try modelAndInputs()
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = ["train", "--data", "xor", "--samples", "40", "--epochs", "2"]
        for (arguments, message) in [
            (train + ["--save", "in.csv"], "--save in.csv: --save writes a model, to a .json or .safetensors file; name it so"),
            (train + ["--save", "model"], "--save model: --save writes a model, to a .json or .safetensors file"),
            (train + ["--checkpoint-every", "1", "--checkpoint", "in.csv"], "--checkpoint in.csv: --checkpoint writes a checkpoint, to a .json file"),
            (train + ["--report", "m.json"], "--report m.json: --report writes the report (HTML), to a .html or .htm file"),
            (["xor", "--epochs", "10", "--save", "in.csv"], "--save in.csv: --save writes a model"),
            (["predict", "--model", "m.json", "--csv", "in.csv", "--out", "m.json"], "--out m.json: --out writes the predictions (CSV), to a .csv or .txt file"),
            (["export", "--model", "m.json", "--language", "swift", "--out", "in.csv"], "--out in.csv: --out writes Swift source, to a .swift file"),
        ] as [([String], String)] {
            let run = try backprop(arguments, in: folder)
            #expect(run.status == 64 && run.stderr.contains(message) && run.stderr.split(separator: "\n").count == 1,
                    "\(arguments): \(run.status) \(run.stderr)")
        }
        #expect(try Data(contentsOf: folder.appendingPathComponent("m.json")) == Data(contentsOf: URL(fileURLWithPath: model)))
        #expect(try String(contentsOf: folder.appendingPathComponent("in.csv"), encoding: .utf8) == "1,2\n3,4\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["in.csv", "m.json"])
        #expect(try backprop(train + ["--save", "/dev/null"], in: folder).status == 0)
        let predicted = try backprop(["predict", "--model", "m.json", "--csv", "in.csv", "--out", "/dev/stdout"], in: folder)
        #expect(predicted.status == 0 && predicted.stdout.split(separator: "\n").count >= 2, "\(predicted.stderr)")
    }

    @Test("a checkpoint resumes from another folder (its data beside it); evaluate refuses --test; --patience equal to the run's is fine; a closed stdout does not lose the model")
    func resumeAnywhere() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let runs = folder.appendingPathComponent("runs")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        try ("a,b,label\n" + (0..<60).map { "\($0 % 7),\($0 % 5),\($0 % 2)" }.joined(separator: "\n") + "\n")
            .write(to: runs.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        #expect(try backprop(["train", "--data", "d.csv", "--epochs", "2", "--validation-split", "0.2", "--patience", "5",
                              "--checkpoint-every", "1", "--checkpoint", "ck-{epoch}.json"], in: runs).status == 0)
        let resumed = try backprop(["train", "--resume", "runs/ck-1.json", "--patience", "5", "--save", "m.json"], in: folder)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try backprop(["train", "--resume", "runs/ck-1.json", "--patience", "4"], in: folder).status == 64)
        #expect(try backprop(["evaluate", "--model", "m.json", "--data", "runs/d.csv", "--test", "runs/d.csv"], in: folder).status == 64)
        for option in [["--layers", "-2,3"], ["--label-column", "-1"], ["--lr", "-0.1"]] {
            let run = try backprop(["train", "--data", "runs/d.csv"] + option, in: folder)
            #expect(!run.stderr.contains("Missing value") && [1, 64].contains(run.status), "\(option): \(run.stderr)")
        }
        // `backprop train … | head -1`: stdout closes early; training goes on and the model is saved.
        let process = Process()
        process.executableURL = try backpropBinary()
        process.arguments = ["train", "--data", "xor", "--samples", "200", "--epochs", "200", "--save", "piped.json"]
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        try pipe.fileHandleForReading.close()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("piped.json").path))
    }
}

@Suite("Ctrl-C, any number of times")
struct DoubleInterruptTests {
    /// Starts a long training run, waits until it has begun, then sends SIGINT twice at random
    /// moments (the second may land while the first is finishing the batch, saving, or inside
    /// BLAS). Returns how it ended.
    func interruptTwice(in folder: URL, seed: inout SeededGenerator) throws -> (reason: Process.TerminationReason, status: Int32) {
        let process = Process()
        process.executableURL = try backpropBinary()
        process.arguments = ["train", "--data", "circles", "--samples", "2000", "--layers", "2,64,64,2", "--epochs", "100000",
                             "--batch", "32", "--save", "m.json"]
        process.currentDirectoryURL = folder
        let out = folder.appendingPathComponent("out.txt")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, (try? String(contentsOf: out, encoding: .utf8))?.isEmpty ?? true { usleep(5_000) }
        usleep(UInt32(seed.uniform(0, 400_000)))             // somewhere in the first epochs
        kill(process.processIdentifier, SIGINT)
        usleep(UInt32(seed.uniform(0, 60_000)))              // the second: from at once to after the save
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        return (process.terminationReason, process.terminationStatus)
    }

    @Test("50 runs, two SIGINTs each at random moments: every one exits 130, never a signal or a crash")
    func fiftyRuns() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var seed = SeededGenerator(seed: 2026)
        var endings: [String] = []
        for _ in 0..<50 {
            let (reason, status) = try interruptTwice(in: folder, seed: &seed)
            endings.append(reason == .exit ? "exit \(status)" : "signal \(status)")
        }
        #expect(endings.allSatisfy { $0 == "exit 130" }, "\(endings)")
        // Whatever moment the second one hit, the model file is whole (or was never written).
        if let data = FileManager.default.contents(atPath: folder.appendingPathComponent("m.json").path) {
            #expect(throws: Never.self) { _ = try ModelFile<Float>(text: String(decoding: data, as: UTF8.self)) }
        }
    }
}
