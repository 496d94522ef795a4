import Foundation
import Testing
@testable import Backprop

/// The edges a user meets with real files: byte-order marks, other separators, empty fields,
/// numbers beyond Float, odd save targets.
@Suite("CSV at the edges")
struct CSVEdgeTests {
    @Test("a UTF-8 byte-order mark is skipped: no row is lost, and the first value reads")
    func byteOrderMark() throws {
        let rows = (0..<120).map { "\(Double($0) / 10),\($0 % 2)" }.joined(separator: "\n")
        let data = try Dataset<Float>.csv("\u{FEFF}" + rows + "\n", file: "bom.csv")
        #expect(data.count == 120 && data.x[0, 0] == 0)
        var options = CSVOptions()
        options.header = .no
        #expect(try Dataset<Float>.csv("\u{FEFF}4.8,1\n5,0\n", options: options, file: "bom.csv").x[0, 0] == 4.8)
        #expect(try numberRows("\u{FEFF}4.8,3\n5,1\n1,2\n2,2\n3,3\n", file: "p.csv", as: Float.self).count == 5)
    }

    @Test("semicolons (with decimal commas) and tabs are detected; --delimiter forces one")
    func separators() throws {
        let semicolon = try Dataset<Float>.csv("a;b;label\n1,5;2;x\n3;4,25;y\n", file: "s.csv")
        #expect(semicolon.features == 2 && semicolon.x[0, 0] == 1.5 && semicolon.x[1, 1] == 4.25)
        // No header, decimal commas: more commas than semicolons, but every comma is inside a number.
        let noHeader = try Dataset<Float>.csv("5,1;3,5;1,4;0,2;a\n6,7;3,0;5,2;2,3;b\n", file: "n.csv")
        #expect(noHeader.count == 2 && noHeader.features == 4 && noHeader.x[1, 0] == 6.7)
        for (line, expected) in [("5,1;3,5;1,4;0,2", ";"), ("1,2,3", ","), ("a;b;c", ";"), ("x,y;z", ","), ("1,25,3;4", ","),
                                 ("\"a;b\",c,d", ","), ("1;2\t3\t4", "\t"), ("12,5;7", ";"), ("", ",")] {
            #expect(CSVOptions.detectSeparator(line) == UInt8(ascii: Unicode.Scalar(expected)!), "\(line)")
        }
        let tab = try Dataset<Float>.csv("a\tb\tlabel\n1\t2\tx\n3\t4\ty\n", file: "t.csv")
        #expect(tab.features == 2 && tab.classNames == ["x", "y"])
        var options = CSVOptions()
        options.separator = UInt8(ascii: ",")
        #expect { _ = try Dataset<Float>.csv("a;b;label\n1;2;x\n", options: options, file: "s.csv") } throws: {
            "\($0)".contains("needs at least 2 columns") && "\($0)".contains("--delimiter")
        }
    }

    @Test("empty fields and labels name their place, or --missing drop leaves the rows out")
    func emptyFields() throws {
        #expect { _ = try Dataset<Float>.csv("1,2,a\n3,4,\n5,6,b\n", file: "e.csv") } throws: {
            "\($0)" == "e.csv: line 2, column 3: an empty label (fill it in, or --missing drop leaves such rows out)"
                && ($0 as? CSVError)?.withoutOption == "e.csv: line 2, column 3: an empty label"
        }
        var options = CSVOptions()
        options.missing = .drop
        let kept = try Dataset<Float>.csv("1,2,a\n3,4,\n5,,b\n7,8,b\n", options: options, file: "e.csv")
        #expect(kept.count == 2 && kept.classNames == ["a", "b"])
    }

    @Test("a number beyond Float32 is an error at its line and column; one class is refused")
    func ranges() throws {
        #expect { _ = try Dataset<Float>.csv("1,2,a\n3,1e39,b\n", file: "big.csv") } throws: {
            "\($0)".hasPrefix("big.csv: line 2, column 2: 1e39 is out of range for Float")
        }
        var regression = CSVOptions()
        regression.task = .regression
        #expect { _ = try Dataset<Float>.csv("1,2\n3,-1e40\n", options: regression, file: "r.csv") } throws: {
            "\($0)".contains("line 2, column 2: label: -1e40 is out of range for Float")
        }
        #expect { _ = try Dataset<Float>.csv("1,2,a\n3,4,a\n", file: "one.csv") } throws: {
            "\($0)".contains("classification needs at least 2 classes")
        }
        #expect(throws: CSVError.self) { _ = try numberRows("x1,x2\n", file: "h.csv", as: Float.self) }
        // A header as wide as its rows is kept out; one that names more or fewer columns is refused.
        #expect(try numberRows("a,b\n1,2\n3,4\n", file: "h.csv", as: Float.self) == [[1, 2], [3, 4]])
        #expect { _ = try numberRows("5.0,3.4,1.5,nan\n", file: "h.csv", as: Float.self) } throws: {
            "\($0)" == "h.csv: the file has no rows of numbers: its one row (line 1) has a field that is not a number, and was taken for a header"
        }
        for (text, message) in [("a,b,c\n1,2\n", "h.csv: line 2: has 2 fields, line 1 (the header) has 3"),
                                ("\na\n1,2\n", "h.csv: line 3: has 2 fields, line 2 (the header) has 1")] {
            #expect { _ = try numberRows(text, file: "h.csv", as: Float.self) } throws: { "\($0)" == message }
        }
    }
}

@Suite("Saves at the edges")
struct SaveEdgeTests {
    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-save-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a symlink is followed: its target is replaced, the link stays a link")
    func symlink() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "old".write(toFile: dir + "/target.json", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.json", withDestinationPath: "target.json")
        try writeFileAtomically(Array("new".utf8), to: dir + "/link.json")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.json") == "target.json")
        #expect(try String(contentsOfFile: dir + "/target.json", encoding: .utf8) == "new")
    }

    @Test("a device is written to, never replaced; a FIFO is written to; a folder is refused")
    func devicesAndFIFOs() throws {
        try writeFileAtomically(Array("nothing".utf8), to: "/dev/null")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/pipe"
        #expect(mkfifo(fifo, 0o644) == 0)
        let reader = Thread { _ = try? FileHandle(forReadingAtPath: fifo)?.readToEnd() }
        reader.start()
        try writeFileAtomically(Array("through the pipe".utf8), to: fifo)
        // A FIFO whose reader goes away after 10 bytes: the write fails with an error, and the
        // process is not killed by SIGPIPE.
        let closing = dir + "/closing"
        #expect(mkfifo(closing, 0o644) == 0)
        let gone = Thread {
            let fd = open(closing, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 10)
            _ = read(fd, &buffer, 10)
            close(fd)
        }
        gone.start()
        #expect(throws: FileWriteError.self) { try writeFileAtomically([UInt8](repeating: 1, count: 1 << 20), to: closing) }
        #expect(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect { try writeFileAtomically([1], to: dir) } throws: { "\($0)".contains("it is a folder") }
    }

    @Test("stale temporary files of a killed save are removed by the next save; destinations are checked before work")
    func staleAndChecks() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let stale = dir + "/.m.json.tmp-999999999-42"                      // no such process
        try "half".write(toFile: stale, atomically: false, encoding: .utf8)
        try writeFileAtomically(Array("{}".utf8), to: dir + "/m.json")
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["m.json"])
        try checkWritable(dir + "/new.json")
        #expect { try checkWritable(dir + "/missing/m.json") } throws: { "\($0)".contains("does not exist") }
        #expect { try checkWritable(dir) } throws: { "\($0)".contains("it is a folder") }
        try checkWritable("/dev/null")
        #if os(Linux)
        #expect { try checkWritable("/proc/m.json") } throws: { "\($0)".contains("/proc") }   // (not writable, or as root: cannot create)
        #endif
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["m.json"], "the probe leaves nothing behind")
    }

    @Test("a model whose preprocessing would make inputs non-finite is refused at load")
    func preprocessingRange() throws {
        let base = #"{"format": "backprop-model", "version": 2, "loss": "squared-error", "reduction": "mean", "layers": [{"activation": "identity", "weights": [[1, 1]], "biases": [0]}], "preprocessing": {"kind": "standardize", "#
        #expect { _ = try ModelFile<Float>(text: base + #""offset": [1e39, 0], "scale": [1, 1]}}"#) } throws: {
            "\($0)".contains("preprocessing.offset[0]")
        }
        #expect { _ = try ModelFile<Float>(text: base + #""offset": [0, 0], "scale": [1, 1e-45]}}"#) } throws: {
            "\($0)".contains("preprocessing.scale[1]")
        }
        _ = try ModelFile<Float>(text: base + #""offset": [0, 0], "scale": [1, 2]}}"#)
    }
}
