import Foundation
import Testing
@testable import Backprop

@Suite("backprop train, evaluate, predict, convert: end to end")
struct TrainCommandTests {
    static let tinyIDX = fixtures.appendingPathComponent("tiny-idx").path

    /// A small CSV classification problem: class by the sign of x1 + x2, with a header.
    static func writeCSV(_ folder: URL, name: String = "points.csv", rows: Int = 120, seed: UInt64 = 1) throws {
        var rng = SeededGenerator(seed: seed)
        var text = "x1,x2,kind\n"
        for _ in 0..<rows {
            let a = rng.uniform(-1, 1), b = rng.uniform(-1, 1)
            text += "\(a),\(b),\(a + b > 0 ? "up" : "down")\n"
        }
        try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    @Test("--json on a generated set: per-epoch loss, accuracy and seconds, test accuracy, train time")
    func json() throws {
        let run = try backprop(["train", "--data", "circles", "--layers", "2,16,2", "--optimizer", "adam", "--lr", "0.02",
                                "--epochs", "40", "--batch", "32", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSON.parse(run.stdout)
        let epochs = try #require(json["epochs"]?.array)
        #expect(epochs.count == 40)
        for key in ["loss", "accuracy", "seconds", "learning_rate"] { #expect(epochs[0][key]?.number != nil, "\(key)") }
        #expect(try #require(json["test_accuracy"]?.number.flatMap(Double.init)) > 0.9)
        #expect(json["train_seconds"]?.number != nil)
        let load = try #require(json["load_seconds"]?.number.flatMap(Double.init))      // generating 1,000 points: well under a second
        #expect(load > 0 && load < 5)
        #expect(json["health"]?["layers"]?.array?.count == 2)
        #expect(json["health"]?["layers"]?[0]?["dead_fraction"]?.number != nil)
    }

    @Test("CSV: validation split, early stopping, save, then evaluate, predict and convert the model")
    func csvRoundTrip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.writeCSV(folder)
        try Self.writeCSV(folder, name: "test.csv", rows: 60, seed: 2)
        let train = try backprop(["train", "--data", "points.csv", "--test", "test.csv", "--layers", "2,8,2",
                                  "--optimizer", "momentum", "--lr", "0.1", "--epochs", "300", "--batch", "16",
                                  "--validation-split", "0.25", "--patience", "5", "--save", "m.json"], in: folder)
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("90 samples, 30 for validation, 60 for test"))
        #expect(train.stdout.contains("stopped early"))
        #expect(train.stdout.contains("val loss"))
        let model = try ModelFile<Float>(contentsOf: folder.appendingPathComponent("m.json").path)
        #expect(model.classes == ["down", "up"])
        #expect(model.preprocessing?.kind == .standardize)
        #expect(model.training.contains { $0.key == "optimizer" && $0.value == .string("momentum") })

        let evaluate = try backprop(["evaluate", "--model", "m.json", "--data", "test.csv", "--json"], in: folder)
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        let result = try JSON.parse(evaluate.stdout)
        #expect(try #require(result["accuracy"]?.number.flatMap(Double.init)) > 0.85)
        #expect(result["confusion"]?.array?.count == 2)
        let text = try backprop(["evaluate", "--model", "m.json", "--data", "test.csv"], in: folder)
        #expect(text.stdout.contains("confusion matrix") && text.stdout.contains("recall"))
        let task = try backprop(["evaluate", "--model", "m.json", "--data", "test.csv", "--task", "regression"], in: folder)
        #expect(task.status == 0 && task.stderr == "backprop: warning: --task regression does nothing here: m.json is a classifier, so the labels are read as its classes\n"
                && task.stdout.contains("confusion matrix"), "\(task.stderr)")

        let predict = try backprop(["predict", "--model", "m.json", "--input", "0.8,0.9", "--input", "-0.7,-0.9", "--json"], in: folder)
        let predictions = try #require(JSON.parse(predict.stdout)["predictions"]?.array)
        #expect(predictions.map { $0["class"] } == [.string("up"), .string("down")])
        try "a,b\n0.5,0.6\n-0.5,-0.2\n".write(to: folder.appendingPathComponent("in.csv"), atomically: true, encoding: .utf8)
        let csv = try backprop(["predict", "--model", "m.json", "--csv", "in.csv", "--out", "out.csv"], in: folder)
        #expect(csv.status == 0, "\(csv.stderr)")
        let out = try String(contentsOf: folder.appendingPathComponent("out.csv"), encoding: .utf8)
        #expect(out.hasPrefix("class,p_down,p_up\nup,"))
        #expect(out.split(separator: "\n").count == 3)

        #expect(try backprop(["convert", "m.json", "m.safetensors"], in: folder).status == 0)
        #expect(try backprop(["convert", "m.safetensors", "back.json"], in: folder).status == 0)
        let back = try ModelFile<Float>(contentsOf: folder.appendingPathComponent("back.json").path)
        #expect(back.text == model.text)
    }

    @Test("an MNIST-format folder (gzip IDX): trains, uses the t10k split as test set, scales bytes by 1/255")
    func idxFolder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try backprop(["train", "--data", Self.tinyIDX, "--layers", "16,8,3", "--optimizer", "adam", "--lr", "0.01",
                                "--epochs", "60", "--batch", "10", "--save", "tiny.safetensors", "--json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try #require(JSON.parse(run.stdout)["test_accuracy"]?.number.flatMap(Double.init)) > 0.9)
        let model = try ModelFile<Float>(contentsOf: folder.appendingPathComponent("tiny.safetensors").path)
        #expect(model.preprocessing == Preprocessing(kind: .fixed, offset: .init(repeating: 0, count: 16), scale: .init(repeating: 255, count: 16)))
        let plots = try backprop(["train", "--data", Self.tinyIDX, "--layers", "16,8,3", "--epochs", "2", "--plots", "p"], in: folder)
        #expect(plots.status == 0)
        for name in ["weights.svg", "misclassified.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("p/" + name).path), "\(name)")
        }
        let evaluate = try backprop(["evaluate", "--model", "tiny.safetensors", "--data", Self.tinyIDX, "--json"], in: folder)
        #expect(try JSON.parse(evaluate.stdout)["samples"] == .number("30"))
        // Images of one class (every label the last) measured by a model: over its 3 classes, not
        // refused as a training set of one class would be.
        let one = folder.appendingPathComponent("one")
        try FileManager.default.createDirectory(at: one, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.tinyIDX + "/train-images-idx3-ubyte.gz", toPath: one.appendingPathComponent("train-images-idx3-ubyte.gz").path)
        try Data(IDXArray.encode(shape: [60], values: Array(repeating: 2, count: 60))).write(to: one.appendingPathComponent("train-labels-idx1-ubyte"))
        expectInputError(try backprop(["train", "--data", "one"], in: folder), "every label is 2: classification needs at least 2 classes")
        let single = try backprop(["evaluate", "--model", "tiny.safetensors", "--data", "one", "--split", "train", "--json"], in: folder)
        #expect(single.status == 0, "\(single.stderr)")
        #expect(try JSON.parse(single.stdout)["classes"]?.array?.count == 3)
    }

    @Test("regression from CSV: identity output, squared error, no accuracy; predict gives the value")
    func regression() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var rng = SeededGenerator(seed: 9)
        var text = "a,b,target\n"
        for _ in 0..<200 {
            let a = rng.uniform(-1, 1), b = rng.uniform(-1, 1)
            text += "\(a),\(b),\(2 * a - b + 0.5)\n"
        }
        try text.write(to: folder.appendingPathComponent("linear.csv"), atomically: true, encoding: .utf8)
        let run = try backprop(["train", "--data", "linear.csv", "--layers", "2,1", "--optimizer", "adam", "--lr", "0.05",
                                "--epochs", "100", "--batch", "20", "--save", "r.json", "--json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSON.parse(run.stdout)
        #expect(json["epochs"]?[0]?["accuracy"] == nil)
        let model = try ModelFile<Float>(contentsOf: folder.appendingPathComponent("r.json").path)
        #expect(model.network.loss == .squaredError && model.network.layers[0].activation == .identity && model.classes == nil)
        let predict = try backprop(["predict", "--model", "r.json", "--input", "0.5,-0.5", "--json"], in: folder)
        let value = try #require(JSON.parse(predict.stdout)["predictions"]?[0]?["output"]?[0]?.number.flatMap(Double.init))
        #expect(abs(value - 2) < 0.01, "\(value)")      // 2·0.5 + 0.5 + 0.5
        // Targets outside 0…1 have no binary cross-entropy (its loss would go negative): refused before training.
        expectInputError(try backprop(["train", "--data", "linear.csv", "--layers", "2,1", "--output", "sigmoid", "--loss", "binary-cross-entropy",
                                       "--epochs", "1"], in: folder), "--loss binary-cross-entropy needs targets from 0 to 1 (a probability), not ")
    }

    @Test("--plots writes the loss and accuracy curves and, for 2-D data, the decision boundary")
    func plots() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try backprop(["train", "--data", "circles", "--layers", "2,8,2", "--epochs", "5", "--validation-split", "0.2",
                                "--plots", "pictures"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        for (name, needle) in [("loss.svg", "<polyline"), ("accuracy.svg", ">validation</text>"), ("boundary.svg", "<circle"),
                               ("network.svg", "<line")] {
            let text = try String(contentsOf: folder.appendingPathComponent("pictures/" + name), encoding: .utf8)
            #expect(text.hasPrefix("<svg") && text.contains(needle), "\(name)")
        }
    }

    @Test("--plots-every N: a decision-boundary snapshot every N epochs")
    func snapshots() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try backprop(["train", "--data", "xor", "--layers", "2,8,2", "--epochs", "6", "--plots", "p", "--plots-every", "3"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("p").path).filter { $0.hasPrefix("boundary-epoch") }
        #expect(Set(files) == ["boundary-epoch-3.svg", "boundary-epoch-6.svg"])
        let text = try String(contentsOf: folder.appendingPathComponent("p/boundary-epoch-3.svg"), encoding: .utf8)
        #expect(text.contains(">decision boundary after epoch 3</text>"))
        #expect(try backprop(["train", "--data", "xor", "--plots-every", "3"], in: folder).status == 64)
        #expect(try backprop(["train", "--data", "xor", "--epochs", "2", "--plots", "q", "--loss-scale", "linear"], in: folder).status == 0)
        let linear = try String(contentsOf: folder.appendingPathComponent("q/loss.svg"), encoding: .utf8)
        #expect(linear.contains(">loss per sample</text>") && !linear.contains("(log scale)"))
    }

    @Test("--report writes one self-contained HTML page: settings, every epoch, health, the pictures inline")
    func report() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try backprop(["train", "--data", "circles", "--layers", "2,8,2", "--epochs", "7", "--validation-split", "0.2",
                                "--report", "run.html"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOf: folder.appendingPathComponent("run.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</body></html>\n"))
        #expect(html.components(separatedBy: "<svg ").count - 1 == 4)          // loss, accuracy, boundary, network
        #expect(html.components(separatedBy: "<tr><td>").count - 1 >= 7 + 2)   // epochs and health rows
        #expect(html.contains("<td>optimizer</td><td>sgd</td>") && html.contains("<h2>Health</h2>"))
        #expect(!html.contains("src=\"http") && !html.contains("<script"))
    }

    @Test("backprop plot: the diagram of any model, the boundary of a 2-D classifier; a clear error otherwise")
    func plot() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try backprop(["train", "--data", "gaussians", "--layers", "2,4,2", "--epochs", "3", "--save", "g.json"], in: folder).status == 0)
        let run = try backprop(["plot", "--model", "g.json", "--data", "gaussians", "--out", "pics"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("wrote pics/network.svg") && run.stderr.contains("wrote pics/boundary.svg"))
        let boundary = try String(contentsOf: folder.appendingPathComponent("pics/boundary.svg"), encoding: .utf8)
        #expect(boundary.components(separatedBy: "<circle").count - 1 == 500 + 1)       // and the legend's "train"
        try "a,b,c,label\n1,2,3,x\n4,5,6,y\n".write(to: folder.appendingPathComponent("three.csv"), atomically: true, encoding: .utf8)
        expectInputError(try backprop(["plot", "--model", "g.json", "--data", "three.csv", "--out", "pics"], in: folder),
                         "a decision boundary needs a model with 2 inputs and 2-D data of its kind")
        expectInputError(try backprop(["plot", "--model", "g.json", "--out", "three.csv"], in: folder),
                         "--out three.csv: is a file; --out names a folder, where network.svg goes")
        expectInputError(try backprop(["plot", "--model", "g.json", "--out", "three.csv/pics"], in: folder), "a part of its path is a file")
        #expect(try ModelFile<Float>(contentsOf: folder.appendingPathComponent("g.json").path).network.sizes == [2, 4, 2])
    }

    @Test("bad input: data that does not fit --layers, a malformed CSV, an unknown source → one line, exit 1")
    func badInput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        expectInputError(try backprop(["train", "--data", "circles", "--layers", "3,4,2"]),
                         "--layers 3-4-2 does not fit the data: it has 2 features and 2 classes, so --layers must start with 2 and end with 2 (or 1: one sigmoid output for the two classes)")
        expectInputError(try backprop(["train", "--data", "xor", "--layers", "3,4,1"]),          // 2 classes in one output: not "1 classes"
                         "--layers 3-4-1 does not fit the data: it has 2 features and 2 classes, so --layers must start with 2 and end with 2 (or 1: one sigmoid output for the two classes) (e.g. 2,32,1)")
        try "a,b,c\n1,2,x\n3,oops,y\n".write(to: folder.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        expectInputError(try backprop(["train", "--data", "bad.csv"], in: folder), "bad.csv: line 3, column 2: 'oops' is not a number")
        try Self.writeCSV(folder)                                        // the training file as its own test set, by any path
        let same = try backprop(["train", "--data", "points.csv", "--test", "./points.csv"], in: folder)
        #expect(same.status == 64 && same.stderr.contains("--test ./points.csv is the training data itself (--data): its figures would be training figures"), "\(same.stderr)")
        expectInputError(try backprop(["train", "--data", "nowhere.csv"], in: folder), "nowhere.csv: no such file or folder")
        expectInputError(try backprop(["train", "--data", "circles", "--output", "relu", "--loss", "softmax-cross-entropy"]),
                         "softmax-cross-entropy needs a softmax output layer, not relu")
        expectInputError(try backprop(["train", "--data", Self.tinyIDX + "/train-images-idx3-ubyte.gz"]),
                         "is one IDX file: give --data the folder")
        #expect(try backprop(["train", "--data", "circles", "--validation-split", "1.5"]).status == 64)
        #expect(try backprop(["train", "--data", "circles", "--activation", "swish"]).status == 64)
    }

    @Test("fashion-mnist missing: the message names the Debian package")
    func missingFashionMNIST() {
        #expect { _ = try DataSource.named("fashion-mnist", fashionMNIST: "/nonexistent/fashion-mnist") } throws: {
            "\($0)".contains("apt-get install dataset-fashion-mnist")
        }
    }
}
