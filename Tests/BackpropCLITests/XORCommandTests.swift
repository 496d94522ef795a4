import Foundation
import Testing
@testable import Backprop

@Suite("backprop xor, end to end")
struct XORCommandTests {
    @Test("defaults learn XOR; the text shows the table and the verdict")
    func defaults() throws {
        let run = try backprop(["xor"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("network 2-2-1 (sigmoid/sigmoid)"))
        #expect(run.stdout.contains("epoch 10000  loss"))
        #expect(run.stdout.contains("  1   1 |    0   | 0.0"))
        #expect(run.stdout.contains("XOR learned: yes"))
        #expect(run.stderr.isEmpty)
    }

    @Test("--json gives loss, 4 predictions, epochs and train_seconds")
    func json() throws {
        let run = try backprop(["xor", "--epochs", "3000", "--hidden", "3", "--lr", "1", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSON.parse(run.stdout)
        #expect(json["epochs"] == .number("3000"))
        #expect(json["network"] == .string("2-3-1"))
        #expect(json["predictions"]?.array?.count == 4)
        #expect((json["loss"]?.number).flatMap(Double.init) != nil)
        #expect((json["train_seconds"]?.number).flatMap(Double.init).map { $0 >= 0 } == true)
    }

    @Test("--init with NumPy's seed-42 weights follows the NumPy run (1e-5 in Float32)")
    func followsNumPy() throws {
        let expected = try JSON.parse(String(contentsOf: fixtures.appendingPathComponent("xor_numpy_trajectory.json"), encoding: .utf8))
        let want = try #require(expected["final_predictions"]?.array?.compactMap { $0.number.flatMap(Double.init) })
        let wantLoss = try #require(expected["final_loss"]?.number.flatMap(Double.init))
        for precision in ["float", "double"] {
            let run = try backprop(["xor", "--init", fixtures.appendingPathComponent("xor_numpy_seed42_model.json").path,
                                    "--precision", precision, "--json"])
            #expect(run.status == 0, "\(run.stderr)")
            let json = try JSON.parse(run.stdout)
            let got = try #require(json["predictions"]?.array?.compactMap { $0.number.flatMap(Double.init) })
            let loss = try #require(json["loss"]?.number.flatMap(Double.init))
            let tolerance = precision == "float" ? 1e-5 : 1e-9
            #expect(zip(got, want).allSatisfy { abs($0 - $1) < tolerance }, "\(precision): \(got) vs \(want)")
            #expect(abs(loss - wantLoss) < tolerance)
        }
    }

    @Test("--save writes a model file that --init reads back")
    func saveAndInit() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try backprop(["xor", "--epochs", "500", "--save", "xor.json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let saved = try ModelFile<Float>(contentsOf: folder.appendingPathComponent("xor.json").path)
        #expect(saved.network.sizes == [2, 2, 1])
        let again = try backprop(["xor", "--init", "xor.json", "--epochs", "0", "--json"], in: folder)
        let json = try JSON.parse(again.stdout)
        let expected = saved.network.predict(ToySets.xor(Float.self).x).storage.map { Double($0) }
        #expect(json["predictions"]?.array?.compactMap { $0.number.flatMap(Double.init) } == expected)
    }

    @Test("bad input: missing or broken --init file, wrong shape → one line, exit 1")
    func badInput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        expectInputError(try backprop(["xor", "--init", "nope.json"], in: folder), "cannot read nope.json: no such file")
        try "{\"format\": \"backprop-model\",\n \"version\": 1,,}".write(to: folder.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        expectInputError(try backprop(["xor", "--init", "broken.json"], in: folder), "broken.json: not valid JSON at line 2, column 15: expected a member name in quotes")
        let wide = ModelFile(network: Network<Float>(sizes: [3, 2, 1], activation: .sigmoid, seed: 1))
        try wide.write(to: folder.appendingPathComponent("wide.json").path)
        expectInputError(try backprop(["xor", "--init", "wide.json"], in: folder), "XOR needs a network with 2 inputs and 1 output; this one is 3-2-1")
    }

    @Test("bad usage keeps argument-parser's usage exit code")
    func badUsage() throws {
        let run = try backprop(["xor", "--lr=-1"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--lr must be a positive number"))
        #expect(try backprop(["xor", "--epochs", "many"]).status == 64)
        let long = try backprop(["xor", "--epochs", "99999999999"])
        #expect(long.status == 64 && long.stderr.contains("--epochs must be between 0 and 100000000"), "\(long.stderr)")
    }

    @Test("a rate that blows up: NaN is never printed as a result; exit 3, one line, nothing saved")
    func diverges() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for lr in ["1e300", "1e39"] {                            // ∞ in Float (1e37 only saturates the sigmoids: loss 1)
            for json in [false, true] {
                let run = try backprop(["xor", "--lr", lr, "--epochs", "100", "--save", "x.json"] + (json ? ["--json"] : []), in: folder)
                #expect(run.status == 3, "\(lr) \(json): \(run.status)")
                #expect(!run.stdout.lowercased().contains("nan") && (!json || run.stdout.isEmpty), "\(run.stdout)")
                #expect(run.stderr.hasPrefix("backprop: training diverged at epoch ") && run.stderr.contains("Try a lower learning rate")
                        && run.stderr.contains("nothing was saved to x.json") && run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.json").path))
    }
}
