import Backprop
import Foundation
import Testing

/// `--save` never replaces a model with a worse one, nor a file that is not a model.
@Suite("Saves keep the better model")
struct ModelSaveTests {
    let circles = ["train", "--data", "circles", "--samples", "300", "--layers", "2,8,2", "--test-split", "0.3", "--seed", "3"]

    func bytes(_ folder: URL, _ name: String) throws -> Data { try Data(contentsOf: folder.appendingPathComponent(name)) }

    @Test("a worse run goes beside the model (NAME.worse.json, a warning, exit 0); --overwrite and an equal run replace it")
    func worseGoesBeside() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try backprop(circles + ["--epochs", "60", "--lr", "0.3", "--save", "m.json"], in: folder).status == 0)
        let good = try bytes(folder, "m.json")
        let worse = try backprop(circles + ["--epochs", "1", "--lr", "0.0001", "--save", "m.json"], in: folder)
        #expect(worse.status == 0 && worse.stdout.contains("saved the model to m.worse.json"), "\(worse.stdout)")
        let warning = worse.stderr.split(separator: "\n").filter { $0.contains("--save m.json holds a model that does better on the test set (accuracy") }
        #expect(warning.count == 1 && warning[0].contains("this run's model is saved to m.worse.json (--overwrite replaces it)"), "\(worse.stderr)")
        #expect(try bytes(folder, "m.json") == good)
        let again = try backprop(circles + ["--epochs", "1", "--lr", "0.0001", "--save", "m.json", "--json"], in: folder)
        #expect(again.status == 0 && again.stdout.contains(#""saved": "m.worse-2.json""#), "the next free name: \(again.stdout)")
        #expect(try bytes(folder, "m.json") == good)
        // The same run again is not better: it replaces the model (and finds the same bits).
        let same = try backprop(circles + ["--epochs", "60", "--lr", "0.3", "--save", "m.json"], in: folder)
        #expect(same.status == 0 && !same.stderr.contains("does better"), "\(same.stderr)")
        #expect(try bytes(folder, "m.json") == good)
        let forced = try backprop(circles + ["--epochs", "1", "--lr", "0.0001", "--save", "m.json", "--overwrite"], in: folder)
        #expect(forced.status == 0 && !forced.stderr.contains("does better") && forced.stdout.contains("saved the model to m.json"))
        #expect(try bytes(folder, "m.json") != good)
        // Another split of the data (a new seed draws it): the model there may have trained on this
        // run's test rows, so it is not compared, and is replaced.
        #expect(try backprop(circles + ["--epochs", "60", "--lr", "0.3", "--save", "m.json", "--overwrite"], in: folder).status == 0)
        var other = circles
        other[other.firstIndex(of: "--seed")! + 1] = "4"
        let resplit = try backprop(other + ["--epochs", "1", "--lr", "0.0001", "--save", "m.json"], in: folder)
        #expect(resplit.status == 0 && !resplit.stderr.contains("does better") && resplit.stdout.contains("saved the model to m.json"), "\(resplit.stderr)")
    }

    @Test("a checkpoint at --save and a model at --checkpoint are refused before training; --overwrite lets both through")
    func checkpoints() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try backprop(circles + ["--epochs", "2", "--checkpoint-every", "1", "--checkpoint", "ck.json", "--save", "m.json"], in: folder).status == 0)
        let (checkpoint, model) = (try bytes(folder, "ck.json"), try bytes(folder, "m.json"))
        expectInputError(try backprop(circles + ["--epochs", "100000", "--save", "ck.json"], in: folder),
                         "--save ck.json is a checkpoint: a model there would drop its training state (the optimizer's moments); name another file, or give --overwrite")
        expectInputError(try backprop(circles + ["--epochs", "100000", "--checkpoint-every", "1", "--checkpoint", "m.json"], in: folder),
                         "--checkpoint m.json: the file there is not a checkpoint, and would be replaced; name another file, or give --overwrite")
        #expect(try bytes(folder, "ck.json") == checkpoint && bytes(folder, "m.json") == model)
        // A checkpoint that no longer reads as a valid one (edited by hand) is still a checkpoint: not replaced.
        let edited = try String(contentsOf: folder.appendingPathComponent("ck.json"), encoding: .utf8)
            .replacingOccurrences(of: #""steps": [0-9]+"#, with: #""steps": 0"#, options: .regularExpression)
        try edited.write(to: folder.appendingPathComponent("edited.json"), atomically: true, encoding: .utf8)
        #expect((try? Checkpoint<Float>(contentsOf: folder.appendingPathComponent("edited.json").path)) == nil)
        expectInputError(try backprop(circles + ["--epochs", "1", "--save", "edited.json"], in: folder), "--save edited.json is a checkpoint")
        #expect(try backprop(circles + ["--epochs", "3", "--checkpoint-every", "1", "--checkpoint", "ck.json"], in: folder).status == 0,
                "a checkpoint replaces a checkpoint")
        #expect(try backprop(circles + ["--epochs", "1", "--save", "ck.json", "--overwrite"], in: folder).status == 0)
        #expect((try? Checkpoint<Float>(contentsOf: folder.appendingPathComponent("ck.json").path)) == nil, "now a model, not a checkpoint")
        #expect(try ModelFile<Float>(contentsOf: folder.appendingPathComponent("ck.json").path).network.sizes == [2, 8, 2])
    }

    @Test("a file that is not a model is refused before training (and by convert) and left as it was; an empty file is replaced")
    func notAModel() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try #"{"name": "app"}"#.write(to: folder.appendingPathComponent("package.json"), atomically: true, encoding: .utf8)
        for arguments in [circles + ["--epochs", "100000", "--save", "package.json"], ["xor", "--epochs", "10", "--save", "package.json"]] {
            let started = Date()
            let run = try backprop(arguments, in: folder)
            expectInputError(run, "--save package.json: the file there cannot be read as a Backprop model, and would be replaced; name another file, or give --overwrite")
            #expect(Date().timeIntervalSince(started) < 20 && !run.stdout.contains("epoch"), "refused before training")
        }
        #expect(try backprop(["xor", "--epochs", "10", "--save", "x.json"], in: folder).status == 0)
        expectInputError(try backprop(["convert", "x.json", "package.json"], in: folder),
                         "the output package.json: the file there cannot be read as a Backprop model, and would be replaced; name another file, or remove it first")
        #expect(try String(contentsOf: folder.appendingPathComponent("package.json"), encoding: .utf8) == #"{"name": "app"}"#)
        FileManager.default.createFile(atPath: folder.appendingPathComponent("empty.json").path, contents: Data())
        #expect(try backprop(circles + ["--epochs", "2", "--save", "empty.json"], in: folder).status == 0)
        #expect(try ModelFile<Float>(contentsOf: folder.appendingPathComponent("empty.json").path).network.sizes == [2, 8, 2])
    }

    @Test("xor: a run with a higher loss on XOR's rows goes beside the model; --overwrite replaces it")
    func xorKeepsTheBetter() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try backprop(["xor", "--epochs", "5000", "--lr", "1", "--save", "x.json"], in: folder).status == 0)
        let good = try bytes(folder, "x.json")
        let saturated = try backprop(["xor", "--lr", "1e30", "--save", "x.json"], in: folder)
        #expect(saturated.status == 0 && saturated.stdout.contains("saved the model to x.worse.json"))
        #expect(saturated.stderr.contains("--save x.json holds a model that does better on XOR's four rows (loss "), "\(saturated.stderr)")
        #expect(try bytes(folder, "x.json") == good)
        let forced = try backprop(["xor", "--lr", "1e30", "--save", "x.json", "--overwrite"], in: folder)
        #expect(forced.status == 0 && forced.stderr.isEmpty && forced.stdout.contains("saved the model to x.json"))
        #expect(try bytes(folder, "x.json") != good)
        let nowhere = try backprop(["xor", "--save", "nowhere/x.json"], in: folder)
        expectInputError(nowhere, "--save nowhere/x.json: the folder nowhere does not exist")
        #expect(!nowhere.stdout.contains("epoch"), "refused before training")
    }

    @Test("convert replaces a model only with the same model (a second conversion); predict --out replaces only predictions with the same columns, or with --overwrite")
    func convertAndPredictKeepOtherFiles() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try backprop(["xor", "--epochs", "10", "--save", "x.json"], in: folder).status == 0)
        #expect(try backprop(circles + ["--epochs", "2", "--save", "trained.json"], in: folder).status == 0)
        let trained = try bytes(folder, "trained.json")
        expectInputError(try backprop(["convert", "x.json", "trained.json"], in: folder),
                         "the output trained.json holds a model other than x.json's (2-8-2), and would be replaced; name another file, or remove it first")
        #expect(try bytes(folder, "trained.json") == trained)
        for _ in 0..<2 {                                                   // converting again writes the same model
            #expect(try backprop(["convert", "trained.json", "t.safetensors"], in: folder).status == 0)
            #expect(try backprop(["convert", "t.safetensors", "t.json"], in: folder).status == 0)
        }
        try "0,0\n1,1\n".write(to: folder.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        try "x1,x2,label\n1,2,a\n".write(to: folder.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        expectInputError(try backprop(["predict", "--model", "x.json", "--csv", "in.csv", "--out", "data.csv"], in: folder),
                         "--out data.csv holds something other than predictions with these columns (its first line is 'x1,x2,label'), and would be replaced; name another file, or give --overwrite")
        #expect(try String(contentsOf: folder.appendingPathComponent("data.csv"), encoding: .utf8) == "x1,x2,label\n1,2,a\n")
        for _ in 0..<2 { #expect(try backprop(["predict", "--model", "x.json", "--csv", "in.csv", "--out", "p.csv"], in: folder).status == 0) }
        #expect(try backprop(["predict", "--model", "x.json", "--csv", "in.csv", "--out", "data.csv", "--overwrite"], in: folder).status == 0)
        #expect(try String(contentsOf: folder.appendingPathComponent("data.csv"), encoding: .utf8).hasPrefix("output\n"))   // the xor model: one output
    }
}
