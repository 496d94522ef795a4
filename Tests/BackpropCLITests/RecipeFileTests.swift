import Foundation
import Testing
@testable import Backprop

/// `examples/fashion-mnist-90.args`, the README's 90% recipe, is a file of options, not code: this
/// checks that `backprop train` takes every one of them, on images of Fashion-MNIST's shape (the
/// tests never read the real set), on 1 and 2 threads, and that the run has the settings the
/// README describes.
@Suite("examples/fashion-mnist-90.args")
struct RecipeFileTests {
    static let recipe = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/fashion-mnist-90.args")

    /// A folder of IDX files shaped like Fashion-MNIST (28×28 bytes, labels 0…9): class c is a
    /// bright 7×7 block at one of ten places, over noise, `count` training and `count / 4` test images.
    static func writeImages(_ folder: URL, count: Int) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rng = SeededGenerator(seed: 5)
        func images(_ n: Int, prefix: String) throws {
            var pixels = [UInt8](), labels = [UInt8]()
            for i in 0..<n {
                let c = i % 10, (top, left) = (7 * (c / 4), 7 * (c % 4))
                for r in 0..<28 {
                    for col in 0..<28 {
                        let inside = (top..<top + 7).contains(r) && (left..<left + 7).contains(col)
                        pixels.append(UInt8(inside ? 200 + Int(rng.uniform() * 55) : Int(rng.uniform() * 60)))
                    }
                }
                labels.append(UInt8(c))
            }
            try Data(IDXArray.encode(shape: [n, 28, 28], values: pixels)).write(to: folder.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
            try Data(IDXArray.encode(shape: [n], values: labels)).write(to: folder.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
        try images(count, prefix: "train")
        try images(count / 4, prefix: "t10k")
    }

    @Test("its options train 784-256-128-10 with Adam, a cosine schedule and dropout, on 1 and 2 threads")
    func recipeOptionsTrain() throws {
        let words = try String(contentsOf: Self.recipe, encoding: .utf8).split(whereSeparator: \.isWhitespace).map(String.init)
        let data = try #require(words.firstIndex(of: "--data"))
        #expect(words[data + 1] == "fashion-mnist", "the recipe is Fashion-MNIST's")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.writeImages(folder.appendingPathComponent("images"), count: 400)
        // The README's 18 epochs, shortened here: the run's other settings are the file's.
        let epochs = try #require(words.firstIndex(of: "--epochs"))
        #expect(words[epochs + 1] == "18")
        var arguments = words
        arguments[data + 1] = "images"
        arguments[epochs + 1] = "3"
        for threads in ["1", "2"] {
            let run = try backprop(["train"] + arguments + ["--threads", threads, "--json"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            let json = try JSON.parse(run.stdout)
            let settings = try #require(json["settings"])
            #expect(settings["layers"] == .array([.number("784"), .number("256"), .number("128"), .number("10")]))
            #expect(settings["optimizer"] == .string("adam"))
            #expect(settings["schedule"] == .string("cosine"))
            #expect(settings["dropout"] == .number("0.1"))
            #expect(settings["learning_rate"] == .number("0.0015") && settings["batch"] == .number("128"))
            #expect(settings["activations"] == .array([.string("relu")]))
            #expect(json["epochs"]?.array?.count == 3)
            // (A smoke check: these images are easy; the recipe's accuracy is the README's, measured.)
            #expect(try #require(json["test_accuracy"]?.number.flatMap(Double.init)) > 0.9, "threads \(threads)")
        }
    }
}
