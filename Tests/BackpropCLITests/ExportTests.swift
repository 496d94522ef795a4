import Foundation
import Testing
@testable import Backprop

/// `backprop export`: the generated Swift and C, compiled with `swiftc` and `cc`, give
/// `predict`'s outputs on a few hundred inputs, for every activation, output, preprocessing and
/// input feature; the weights are exact.
@Suite("Export as source", .serialized)
struct ExportTests {
    /// Models that together use every activation, output, preprocessing kind and feature.
    static func models() -> [(name: String, model: ModelFile<Float>)] {
        var rng = SeededGenerator(seed: 11)
        func layer(_ i: Int, _ o: Int, _ a: Activation) -> Dense<Float> {
            Dense(weights: Matrix((0..<o).map { _ in (0..<i).map { _ in Float(rng.uniform(-1.5, 1.5)) } }),
                  biases: (0..<o).map { _ in Float(rng.uniform(-0.5, 0.5)) }, activation: a)
        }
        let features = InputFeature.allCases
        let spiral = ModelFile(network: Network(layers: [layer(features.count, 5, .tanh), layer(5, 4, .sigmoid), layer(4, 3, .softmax)]),
                               classes: ["a \"quoted\" class", "café", "c"], features: features,
                               preprocessing: Preprocessing(kind: .standardize, offset: (0..<7).map { Double($0) * 0.1 }, scale: (0..<7).map { 1 + Double($0) * 0.3 }))
        let binary = ModelFile(network: Network(layers: [layer(4, 6, .sigmoid), layer(6, 1, .sigmoid)], loss: .binaryCrossEntropy),
                               classes: ["no", "yes"],
                               preprocessing: Preprocessing(kind: .minmax, offset: [-1, 0, 2, 0.5], scale: [2, 3, 0.25, 7]))
        let regression = ModelFile(network: Network(layers: [layer(3, 5, .relu), layer(5, 5, .leakyRelu), layer(5, 2, .identity)]))
        return [("Spiral", spiral), ("Binary", binary), ("Regression", regression)]
    }

    /// Raw inputs for a model: 300 rows in −3…3.
    static func inputs(_ model: ModelFile<Float>, count: Int = 300) -> [[Float]] {
        var rng = SeededGenerator(seed: 5)
        return (0..<count).map { _ in (0..<SourceExport.rawInputs(model)).map { _ in Float(rng.uniform(-3, 3)) } }
    }

    /// Runs `tool arguments` in `folder`; the output, or a failure naming what it printed.
    static func run(_ tool: String, _ arguments: [String], in folder: URL, stdin: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.currentDirectoryURL = folder
        let out = folder.appendingPathComponent("out-\(UUID().uuidString)"), inFile = folder.appendingPathComponent("in.txt")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        if let stdin { try Data(stdin.utf8).write(to: inFile); process.standardInput = try FileHandle(forReadingFrom: inFile) }
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let text = try String(contentsOf: out, encoding: .utf8)
        guard process.terminationStatus == 0 else { throw CLITestError("\(tool) \(arguments.joined(separator: " ")) failed: \(text)") }
        return text
    }

    /// Compares printed outputs (one line of numbers per input) with the library's predictions.
    static func compare(_ printed: String, _ model: ModelFile<Float>, _ rows: [[Float]], language: String) throws {
        let got = printed.split(separator: "\n").map { $0.split(separator: " ").compactMap { Double($0) } }
        try #require(got.count == rows.count, "\(language): \(got.count) lines for \(rows.count) inputs")
        // The same Float weights, exactly, in a Double network (reading the file as Double would
        // take its shortest decimals as Doubles, which differ from the Floats in their 9th digit).
        let layers = model.network.layers.map { l in
            Dense<Double>(weights: Matrix(rows: l.outputSize, cols: l.inputSize, storage: l.weights.storage.map(Double.init)),
                          biases: l.biases.map(Double.init), activation: l.activation)
        }
        let twin = ModelFile(network: Network(layers: layers, loss: model.network.loss), classes: model.classes,
                             features: model.features, preprocessing: model.preprocessing)
        let exact = twin.predict(Matrix(rows.map { $0.map(Double.init) }))
        let float = model.predict(Matrix(rows))
        var worstDouble = (0.0, ""), worstFloat = (0.0, "")
        for r in rows.indices {
            for c in 0..<exact.cols {
                let g = got[r][c], d = exact[r, c], f = Double(float[r, c])
                // Float32 prediction rounds its sums: where an output is a small difference of
                // large terms its error is absolute, so below 1 it is measured against 1.
                let (ed, ef) = (abs(g - d) / max(abs(d), 1e-30), abs(g - f) / max(abs(f), 1))
                if ed > worstDouble.0 { worstDouble = (ed, "row \(r) output \(c): \(g) vs \(d)") }
                if ef > worstFloat.0 { worstFloat = (ef, "row \(r) output \(c): \(g) vs \(f)") }
            }
        }
        // A Float of a double computation: its rounding, 6e-8, from the Double prediction.
        #expect(worstDouble.0 <= 1e-7, "\(language): \(worstDouble) from predict in Double")
        #expect(worstFloat.0 <= 1e-6, "\(language): \(worstFloat) from predict (Float32)")
    }

    @Test("Swift: the generated enum, compiled with swiftc, predicts as backprop predict does; it imports nothing")
    func swift() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, model) in Self.models() {
            let text = try SourceExport.swift(model: model, name: name, source: "test")
            #expect(!text.contains("import "), "\(name) imports something")
            try text.write(to: folder.appendingPathComponent("\(name).swift"), atomically: true, encoding: .utf8)
            #expect(text.contains("public static let inputs = \(SourceExport.rawInputs(model))"))
            #expect(text.contains("public static let classes: [String] = [\((model.classes ?? []).map { SourceExport.swiftString($0) }.joined(separator: ", "))]"))
        }
        // One program per model: reads its inputs, prints the outputs with every digit.
        for (name, model) in Self.models() {
            let program = "while let line = readLine() {\n    let x = line.split(separator: \" \").map { Float(String($0))! }\n"
                + "    print(\(name).predict(x).map { \"\\(Double($0))\" }.joined(separator: \" \"))\n}\n"
            let dir = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try program.write(to: dir.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
            try FileManager.default.copyItem(at: folder.appendingPathComponent("\(name).swift"), to: dir.appendingPathComponent("\(name).swift"))
            _ = try Self.run("swiftc", ["\(name).swift", "main.swift", "-o", "predict"], in: dir)
            let rows = Self.inputs(model)
            let printed = try Self.run("./predict", [], in: dir, stdin: rows.map { $0.map { "\($0)" }.joined(separator: " ") }.joined(separator: "\n") + "\n")
            try Self.compare(printed, model, rows, language: "Swift \(name)")
        }
    }

    @Test("C: NAME.h and NAME.c build with -std=c99 -Wall -Wextra -Werror -pedantic and predict as backprop predict does")
    func c() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, model) in Self.models() {
            let prefix = name.lowercased()
            let (header, source) = try SourceExport.c(model: model, name: prefix, source: "test")
            try header.write(to: folder.appendingPathComponent("\(prefix).h"), atomically: true, encoding: .utf8)
            try source.write(to: folder.appendingPathComponent("\(prefix).c"), atomically: true, encoding: .utf8)
            #expect(!source.contains("malloc") && header.contains("#define \(prefix.uppercased())_INPUTS \(SourceExport.rawInputs(model))"))
            let main = """
                #include <stdio.h>
                #include "\(prefix).h"
                int main(void) {
                    float x[\(prefix.uppercased())_INPUTS], y[\(prefix.uppercased())_OUTPUTS];
                    int i;
                    for (;;) {
                        for (i = 0; i < \(prefix.uppercased())_INPUTS; i++) if (scanf("%f", &x[i]) != 1) return 0;
                        \(prefix)_predict(x, y);
                        for (i = 0; i < \(prefix.uppercased())_OUTPUTS; i++) printf(i ? " %.9g" : "%.9g", (double)y[i]);
                        printf("\\n");
                    }
                }

                """
            try main.write(to: folder.appendingPathComponent("main-\(prefix).c"), atomically: true, encoding: .utf8)
            _ = try Self.run("cc", ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "\(prefix).c", "main-\(prefix).c", "-o", prefix, "-lm"], in: folder)
            let rows = Self.inputs(model)
            let printed = try Self.run("./\(prefix)", [], in: folder, stdin: rows.map { $0.map { "\($0)" }.joined(separator: " ") }.joined(separator: "\n") + "\n")
            try Self.compare(printed, model, rows, language: "C \(name)")
            if let classes = model.classes { #expect(header.contains("#define \(prefix.uppercased())_CLASSES \(classes.count)")) }
        }
    }

    @Test("C from the command line: the .c includes the header written beside it, whatever --out calls them; a class named what??! stays what??!")
    func cFilesAndTrigraphs() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try ("a,b,label\n" + (0..<20).map { "\($0 % 5),\($0 % 3),\($0 % 2 == 0 ? "what??!" : "ok")" }.joined(separator: "\n") + "\n")
            .write(to: folder.appendingPathComponent("tri.csv"), atomically: true, encoding: .utf8)
        #expect(try backprop(["train", "--data", "tri.csv", "--epochs", "2", "--save", "tri.json"], in: folder).status == 0)
        #expect(try backprop(["export", "--model", "tri.json", "--language", "c", "--out", "foo.c"], in: folder).status == 0)   // --name Model
        let main = "#include <stdio.h>\n#include \"foo.h\"\nint main(void) { printf(\"%s %s\\n\", Model_class_names[0], Model_class_names[1]); return 0; }\n"
        try main.write(to: folder.appendingPathComponent("main.c"), atomically: true, encoding: .utf8)
        _ = try Self.run("cc", ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "foo.c", "main.c", "-o", "names", "-lm"], in: folder)
        let names = try Self.run("./names", [], in: folder)
        #expect(names.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").sorted() == ["ok", "what??!"], "\(names)")
        let quote = try backprop(["export", "--model", "tri.json", "--language", "c", "--out", "we\"ird.c"], in: folder)
        #expect(quote.status == 1 && quote.stderr.contains("cannot be written in #include"), "\(quote.stderr)")
        let trigraph = try backprop(["export", "--model", "tri.json", "--language", "c", "--out", "x??-.c"], in: folder)   // would read x~.h
        #expect(trigraph.status == 1 && trigraph.stderr.contains("cannot be written in #include"), "\(trigraph.stderr)")
    }

    @Test("a 784-256-128-10 model exports and compiles in seconds, in both languages, and still predicts as predict does")
    func big() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = ModelFile(network: Network<Float>(sizes: [784, 256, 128, 10], activation: .relu, output: .softmax, seed: 2),
                              preprocessing: Preprocessing(kind: .fixed, offset: [Double](repeating: 0.5, count: 784), scale: [Double](repeating: 0.25, count: 784)))
        let started = Date()
        let swift = try SourceExport.swift(model: model, name: "Big")
        let (header, source) = try SourceExport.c(model: model, name: "big")
        #expect(swift.contains("static let weights0: [Float] = floats(200704, \"\"\"") && swift.contains("static let biases2: [Float] = ["))
        try swift.write(to: folder.appendingPathComponent("Big.swift"), atomically: true, encoding: .utf8)
        try header.write(to: folder.appendingPathComponent("big.h"), atomically: true, encoding: .utf8)
        try source.write(to: folder.appendingPathComponent("big.c"), atomically: true, encoding: .utf8)
        try "while let line = readLine() { print(Big.predict(line.split(separator: \" \").map { Float(String($0))! }).map { \"\\(Double($0))\" }.joined(separator: \" \")) }\n"
            .write(to: folder.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
        _ = try Self.run("swiftc", ["Big.swift", "main.swift", "-o", "predict"], in: folder)
        _ = try Self.run("cc", ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-c", "big.c"], in: folder)
        let seconds = Date().timeIntervalSince(started)
        #expect(seconds < 60, "export and compile took \(seconds) s")
        let rows = Self.inputs(model, count: 3)
        let printed = try Self.run("./predict", [], in: folder, stdin: rows.map { $0.map { "\($0)" }.joined(separator: " ") }.joined(separator: "\n") + "\n")
        try Self.compare(printed, model, rows, language: "Swift 784-256-128-10")
    }

    @Test("every weight is written exactly: the shortest decimal that reads back to the same Float")
    func exactWeights() throws {
        let (_, model) = Self.models()[0]
        let text = try SourceExport.swift(model: model, name: "Spiral")
        let weights = model.network.layers.flatMap { $0.weights.storage + $0.biases }
        let literals = text.components(separatedBy: "static let weights0: [Float] = [")[1].components(separatedBy: "static let biases")[0]
            .split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == " " || $0 == "]" }).compactMap { Float(String($0)) }
        #expect(literals == Array(model.network.layers[0].weights.storage))
        for w in weights { #expect(Float(SourceExport.literal(w)) == w && SourceExport.literal(w).count <= 15) }
        #expect(SourceExport.literal(Float(0.1)) == "0.1")
    }

    @Test("backprop export: files written and announced; bad names and destinations refused in one line")
    func command() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let modelPath = folder.appendingPathComponent("m.json").path
        try Self.models()[1].model.write(to: modelPath)
        let swift = try backprop(["export", "--model", modelPath, "--language", "swift", "--name", "Yes", "--out", folder.path])
        #expect(swift.status == 0 && swift.stderr.contains("wrote \(folder.path)/Yes.swift"), "\(swift.stderr)")
        let c = try backprop(["export", "--model", modelPath, "--language", "c", "--name", "yes", "--out", folder.appendingPathComponent("gen.c").path])
        #expect(c.status == 0 && FileManager.default.fileExists(atPath: folder.appendingPathComponent("gen.h").path))
        let name = try backprop(["export", "--model", modelPath, "--language", "c", "--name", "2fast"])
        #expect(name.status == 64 && name.stderr.contains("expected an identifier"))
        let keyword = try backprop(["export", "--model", modelPath, "--language", "swift", "--name", "struct"])
        #expect(keyword.status == 64 && keyword.stderr.contains("keyword"))
        for shadowing in ["Int", "Float", "Double", "String", "precondition", "abs"] {     // the generated Swift would not compile
            let run = try backprop(["export", "--model", modelPath, "--language", "swift", "--name", shadowing])
            #expect(run.status == 64 && run.stderr.contains("a name the generated Swift uses"), "\(shadowing): \(run.stderr)")
        }
        let cPrefix = try backprop(["export", "--model", modelPath, "--language", "c", "--name", "abs", "--out", folder.path])
        #expect(cPrefix.status == 0, "a C prefix may be abs: abs_predict")
        let header = try backprop(["export", "--model", modelPath, "--language", "c", "--name", "h", "--out", folder.appendingPathComponent("hdr.h").path])
        #expect(header.status == 0 && FileManager.default.fileExists(atPath: folder.appendingPathComponent("hdr.c").path), "--out NAME.h: the .c beside it")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("hdr.h.h").path))
        expectInputError(try backprop(["export", "--model", modelPath, "--language", "c", "--out", "/dev/null"]),
                         "--out /dev/null is a device: C export writes two files")
        #expect(!FileManager.default.fileExists(atPath: "/dev/null.c") && !FileManager.default.fileExists(atPath: "/dev/null.h"))
        expectInputError(try backprop(["export", "--model", modelPath, "--language", "c", "--out", "/dev/stdout"]), "--out /dev/stdout is a device")
        expectInputError(try backprop(["export", "--model", modelPath, "--language", "c", "--out", "-"], in: folder), "--out - is standard output")
        expectInputError(try backprop(["export", "--model", modelPath, "--language", "c", "--out", modelPath]),
                         "is an existing file, not a .c or .h: C export writes two files")
        let language = try backprop(["export", "--model", modelPath, "--language", "rust"])
        #expect(language.status == 64)
        expectInputError(try backprop(["export", "--model", folder.appendingPathComponent("none.json").path, "--language", "c"], in: folder), "no such file")
        #expect(try backprop(["export", "--model", modelPath, "--language", "swift", "--name", "_"]).status == 64, "enum _ would not compile")
        try Self.models()[1].model.write(to: folder.appendingPathComponent("w.safetensors").path)     // (by its name: safetensors)
        expectInputError(try backprop(["train", "--data", "xor", "--resume", "w.safetensors", "--epochs", "3"], in: folder), "checkpoints are JSON")
        // The .c cannot be written (a folder is there): neither file is, so no .h of this model sits beside another's .c.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("pair/P.c"), withIntermediateDirectories: true)
        expectInputError(try backprop(["export", "--model", modelPath, "--language", "c", "--name", "P", "--out", folder.appendingPathComponent("pair").path]),
                         "P.c: it is a folder")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("pair/P.h").path))
        // A model file named with a newline: its name goes into a comment, never into the code.
        let odd = folder.appendingPathComponent("odd\nlet evil = 1\n.json").path
        try FileManager.default.copyItem(atPath: modelPath, toPath: odd)
        let injected = try backprop(["export", "--model", odd, "--language", "swift", "--name", "Odd", "--out", folder.path])
        #expect(injected.status == 0)
        let source = try String(contentsOf: folder.appendingPathComponent("Odd.swift"), encoding: .utf8)
        #expect(source.hasPrefix("// Generated by `backprop export` from odd?let evil = 1?.json:") && !source.contains("\nlet evil"), "\(source.prefix(200))")
    }
}
