@testable import Backprop
import Foundation
import Testing
@testable import BackpropPlayground

/// Parses a message the session sent.
func parsed(_ m: Outgoing) throws -> JSON { try JSON.parse(m.text) }

func number(_ v: JSON?) -> Double { v?.number.flatMap(Double.init) ?? .nan }

@Suite("Playground session: messages, steps, the hand-by-hand chain")
struct SessionTests {
    func session(_ settings: PlaygroundSettings = PlaygroundSettings()) throws -> PlaygroundSession {
        try PlaygroundSession(settings: settings) { _ in }
    }

    static let malformed: [(String, String)] = [
        ("", "not JSON"),
        ("{", "not JSON"),
        ("[1, 2]", "expected a JSON object with a \"type\""),
        (#"{"kind": "play"}"#, "expected a JSON object with a \"type\""),
        (#"{"type": 3}"#, "expected a JSON object with a \"type\""),
        (#"{"type": "fly"}"#, "unknown message type 'fly'"),
        (#"{"type": "configure", "samples": -5}"#, "samples: -5 is outside"),
        (#"{"type": "configure", "hidden": "8,8"}"#, "hidden: expected a list"),
        (#"{"type": "select"}"#, "select: give \"parameter\""),
        (#"{"type": "select", "parameter": "w-9-0-0"}"#, "layer 9 does not exist"),
        (#"{"type": "select", "parameter": "w-1-0-7"}"#, "layer 1 takes inputs 0…1"),
        (#"{"type": "select", "parameter": "n-0-1"}"#, "inputs have no weights or biases"),
        (#"{"type": "select", "parameter": "x-1-2"}"#, "is not a parameter"),
        (#"{"type": "select", "parameter": 12}"#, "parameter must be a string"),
        (#"{"type": "speed", "epochsPerSecond": "fast"}"#, "speed: epochsPerSecond must be"),
        (#"{"type": "reset", "seed": -1}"#, "seed: -1 is outside"),
        (String(repeating: "[", count: 100), "not JSON"),
        ("{\"type\": \"configure\", \"csv\": \"" + String(repeating: "x", count: PlaygroundSettings.maxCSVBytes + 1) + "\"}", "larger than 1 MB"),
    ]

    @Test("every malformed message gets one error reply that says what is wrong, and changes nothing")
    func malformed() async throws {
        let s = try session()
        for (text, expected) in Self.malformed {
            let replies = await s.receive(text)
            #expect(replies.count == 1)
            let reply = try parsed(try #require(replies.first))
            #expect(reply["type"] == .string("error"), "\(text.prefix(60))")
            #expect(reply["message"]?.string?.contains(expected) == true, "\(text.prefix(60)) → \(reply["message"]?.string ?? "")")
        }
        #expect(await s.refused == Self.malformed.count)
        let (steps, selection, playing) = (await s.run.steps, await s.selection, await s.playing)
        #expect(steps == 0 && selection == nil && playing == false)
        // And it still works.
        let state = try parsed(try #require(await s.receive(#"{"type": "step"}"#).first))
        #expect(state["type"] == .string("state") && number(state["step"]) == 1)
    }

    @Test("step trains one batch; the chain shown is the next step's, and predicts plain SGD's update")
    func stepAndChain() async throws {
        var settings = PlaygroundSettings()
        settings.optimizer = .sgd
        settings.learningRate = 0.1
        let s = try session(settings)
        let selected = try parsed(try #require(await s.receive(#"{"type": "select", "parameter": "w-2-1-3"}"#).first))
        let chain = try #require(selected["chain"])
        #expect(chain["parameter"] == .string("W²[1][3]"))
        #expect(chain["samples"]?.array?.count == settings.batch)
        // The chain's numbers are the trace's.
        let trace = await s.run.nextStepTrace()
        #expect(number(chain["gradient"]) == trace.layers[1].weightGradient[1, 3])
        #expect(number(chain["value"]) == trace.layers[1].weights[1, 3])
        #expect(number(chain["updated"]) == trace.layers[1].updatedWeights[1, 3])
        // The update rule's lines are the library's (the page shows them as they come: one copy of the rule).
        let lines = try #require(chain["update_lines"]?.array).compactMap(\.string)
        func f(_ x: Double) -> String { String(format: "%.6g", x) }
        let (w0, g, u) = (trace.layers[1].weights[1, 3], trace.layers[1].weightGradient[1, 3], trace.layers[1].updatedWeights[1, 3])
        #expect(lines == ["W²[1][3] ← W²[1][3] − η·dLoss/dW²[1][3] = \(f(w0)) − 0.1 × \(parenthesized(g, f)) = \(f(u))"], "\(lines)")
        // Σ δ·a_prev over the batch is dW (to rounding of the different summation order).
        let products = try #require(chain["samples"]?.array).map { number($0["product"]) }
        #expect(abs(products.reduce(0, +) - number(chain["gradient"])) < 1e-12)
        // Hidden layer: dLoss/da = Σ_i W^(l+1)[i][j] δ^(l+1)_i, term by term.
        for sample in try #require(chain["samples"]?.array) {
            let terms = try #require(sample["upstream"]?.array).map { number($0[0]) * number($0[1]) }
            #expect(abs(terms.reduce(0, +) - number(sample["dloss_da"])) < 1e-12)
        }
        // Stepping does what the panel said: W − η·dW (computed in Double; the network is Float).
        let after = try parsed(try #require(await s.receive(#"{"type": "step"}"#).first))
        let w = Double(await s.run.network.layers[1].weights[1, 3])
        #expect(abs(w - number(chain["updated"])) < 1e-6)
        #expect(number(after["step"]) == 1 && number(after["batch"]) == 1)
        // …and the panel moves on to the next batch.
        let next = try #require(after["chain"])
        #expect(number(next["value"]) == Double(Float(w).description)!)
        #expect(next["batch_indices"] != chain["batch_indices"])
    }

    @Test("a bias chain (a neuron) and the output layer's fused δ = a − y")
    func biasChain() async throws {
        let s = try session()
        let reply = try parsed(try #require(await s.receive(#"{"type": "select", "parameter": "n-3-0"}"#).first))
        let chain = try #require(reply["chain"])
        #expect(chain["parameter"] == .string("b³[0]") && chain["output_layer"] == .bool(true))
        #expect(chain["delta_rule"]?.string?.contains("a − y") == true)
        for sample in try #require(chain["samples"]?.array) {
            // mean reduction: δ = (a − y) / B
            let expected = (number(sample["a"]) - number(sample["target"])) / Double(PlaygroundSettings().batch)
            #expect(abs(number(sample["delta"]) - expected) < 1e-15)
            #expect(number(sample["dz_dparameter"]) == 1)
        }
    }

    @Test("configure starts a new run; a selection that no longer exists is dropped")
    func configure() async throws {
        let s = try session()
        _ = await s.receive(#"{"type": "select", "parameter": "w-2-7-7"}"#)
        _ = await s.receive(#"{"type": "step"}"#)
        let state = try parsed(try #require(await s.receive(#"{"type": "configure", "data": "xor", "hidden": [3]}"#).first))
        #expect(number(state["step"]) == 0 && number(state["epoch"]) == 0)
        #expect(state["chain"] == .null)
        #expect(await s.selection == nil)
        #expect(await s.run.network.sizes == [2, 3, 2])
        #expect(state["command"]?.string?.contains("--data xor") == true)
    }

    @Test("play trains in the background and streams states at a bounded rate; pause stops it")
    func play() async throws {
        let (stream, continuation) = AsyncStream<Outgoing>.makeStream()
        let s = try PlaygroundSession(updateInterval: .milliseconds(50)) { continuation.yield($0) }
        _ = await s.receive(#"{"type": "speed", "epochsPerSecond": 0}"#)
        _ = await s.receive(#"{"type": "play"}"#)
        var epochs: [Double] = []
        let clock = ContinuousClock(), started = clock.now
        for await m in stream {
            #expect(m.isState)
            epochs.append(number(try parsed(m)["epoch"]))
            await s.delivered()
            if epochs.count == 4 { break }
        }
        let elapsed = (clock.now - started).seconds
        _ = await s.receive(#"{"type": "pause"}"#)
        #expect(await s.playing == false)
        #expect(epochs == epochs.sorted() && epochs.last! > epochs.first!)
        #expect(elapsed >= 0.1)                 // 4 states, ≥ 50 ms apart after the first
        let paused = await s.run.steps
        try await Task.sleep(for: .milliseconds(100))
        #expect(await s.run.steps == paused)    // stopped
        await s.close()
    }

    @Test("exports: the model file, the pictures, and the command lines")
    func exports() async throws {
        let s = try session()
        let model = try #require(await s.export("model.json"))
        let file = try ModelFile<Float>(text: model.body)
        #expect(file.network.sizes == [2, 8, 8, 2] && file.preprocessing?.kind == .standardize)
        let checkpoint = try Checkpoint<Float>(text: try #require(await s.export("checkpoint.json")).body)
        #expect(checkpoint.optimizer.kind == .sgd && checkpoint.model.network.sizes == [2, 8, 8, 2])
        for name in ["boundary.svg", "network.svg", "loss.svg", "step.svg"] {
            let svg = try #require(await s.export(name))
            #expect(svg.contentType == "image/svg+xml" && svg.body.hasPrefix("<svg"))
        }
        #expect(await s.export("command.txt")?.body.hasPrefix("# epoch 0: nothing trained yet; this trains all of epoch 1\nbackprop train --data spiral") == true)
        // Within an epoch the command still trains whole epochs, and says so.
        _ = await s.receive(#"{"type": "step"}"#)
        let within = await s.export("command.txt")?.body ?? ""
        #expect(within.hasPrefix("# epoch 1 is at batch 2 of ") && within.contains(", not finished; this trains all of epoch 1\nbackprop train"), "\(within)")
        #expect(await s.export("explain.txt")?.body.hasPrefix("backprop explain --model checkpoint.json --state checkpoint.json --input ") == true)
        #expect(await s.export("../etc/passwd") == nil)
        for _ in 0..<20 { _ = await s.receive(#"{"type": "step"}"#) }          // epoch 1 done, and one batch of epoch 2
        let (epochs, batches) = (await s.run.epochsDone, await s.run.batchesPerEpoch)
        let replay = await s.export("command.txt")?.body ?? ""
        #expect(epochs == 1 && replay.hasPrefix("# epoch 2 is at batch 2 of \(batches); this replays the 1 finished epoch\nbackprop train")
                && replay.contains("--epochs 1 "), "\(replay)")
    }
}

@Suite("Playground session: uploaded CSV")
struct CSVUploadTests {
    @Test("a 2-feature, 2-class CSV becomes the data; other shapes are refused with the settings that still hold")
    func upload() async throws {
        let s = try PlaygroundSession { _ in }
        var rows = ["x,y,label"]
        for i in 0..<40 { rows.append("\(Double(i) / 10),\(Double(i % 7)),\(i % 2 == 0 ? "red" : "blue")") }
        let csv = rows.joined(separator: "\\n")
        let reply = try parsed(try #require(await s.receive(#"{"type": "configure", "data": "csv", "csvName": "dots.csv", "csv": "\#(csv)"}"#).first))
        #expect(reply["type"] == .string("state"))
        let run = await s.run
        #expect(run.train.count + run.test.count == 40 && run.train.classNames?.sorted() == ["blue", "red"])
        #expect(reply["command"]?.string?.hasPrefix("# epoch 0: nothing trained yet; this trains all of epoch 1\nbackprop train --data dots.csv --data-seed 1 --test-split 0.5 --layers 2,8,8,2") == true)
        let three = (0..<30).map { "\($0),\($0 * 2),\($0 % 3)" }.joined(separator: "\\n")
        let refused = try parsed(try #require(await s.receive(#"{"type": "configure", "data": "csv", "csv": "\#(three)"}"#).first))
        #expect(refused["message"]?.string?.contains("the playground draws 2 classes; this file has 3 classes") == true)
        #expect(refused["settings"]?["csvName"] == .string("dots.csv"))         // still the last good data
        let wide = "1,2,3,0\\n4,5,6,1\\n7,8,9,0"
        let refusedWide = try parsed(try #require(await s.receive(#"{"type": "configure", "data": "csv", "csv": "\#(wide)"}"#).first))
        #expect(refusedWide["message"]?.string?.contains("needs 2 feature columns") == true)
        // The CSV reader's advice names train's options (--missing, --task), which the page has not.
        for (text, message) in [("1,2,a\\n3,,b\\n5,6,a", "data.csv: line 2, column 2: an empty field is not a number"),
                                ("1,2,a\\n3,4,a", "data.csv: every label is 'a': classification needs at least 2 classes")] {
            let error = try parsed(try #require(await s.receive(#"{"type": "configure", "data": "csv", "csvName": "data.csv", "csv": "\#(text)"}"#).first))
            #expect(error["message"]?.string == message)
        }
    }

    @Test("a CSV of almost 1 MB in short lines is taken, though JSON's \\n makes its message larger than 1 MB; hello says the limit")
    func nearlyOneMegabyte() async throws {
        let s = try PlaygroundSession { _ in }
        let hello = try parsed(try #require(await s.hello().first))
        #expect(hello["maxMessageBytes"] == .number(Double(PlaygroundSession.maxMessageBytes)))
        #expect(hello["maxCSVBytes"] == .number(Double(PlaygroundSettings.maxCSVBytes)))
        let csv = (0..<170_000).map { "\($0 % 10),\($0 % 7),\($0 % 2)" }.joined(separator: "\n")
        #expect(csv.utf8.count <= PlaygroundSettings.maxCSVBytes)
        let message = JSON.object([("type", .string("configure")), ("data", .string("csv")), ("csvName", .string("big.csv")),
                                   ("csv", .string(csv))]).serialized()
        #expect(message.utf8.count > PlaygroundSettings.maxCSVBytes + 100_000, "the newlines escaped")
        #expect(message.utf8.count <= PlaygroundSession.maxMessageBytes)
        let reply = try parsed(try #require(await s.receive(message).first))
        #expect(reply["type"] == .string("state"), "\(reply["message"]?.string ?? "")")
        let run = await s.run
        #expect(run.train.count + run.test.count == 170_000)
    }
}

@Suite("Playground session: divergence")
struct DivergenceTests {
    @Test("a run that blows up stops, says where, keeps the last good epoch's weights (the model still exports), and refuses to go on until reset")
    func diverges() async throws {
        var settings = PlaygroundSettings()
        try settings.apply(try JSON.parse(#"{"optimizer": "sgd", "learningRate": 10, "hidden": [16, 16], "activations": ["relu"], "output": "identity", "loss": "squared-error"}"#))
        let s = try PlaygroundSession(settings: settings) { _ in }
        var state = JSON.null
        for _ in 0..<200 {
            let reply = try parsed(try #require(await s.receive(#"{"type": "step"}"#).first))
            if reply["type"] == .string("error") { break }
            state = reply
        }
        let error = try parsed(try #require(await s.receive(#"{"type": "step"}"#).first))
        #expect(error["message"]?.string?.contains("training diverged: the loss became") == true, "\(error)")
        #expect(error["message"]?.string?.contains("are back") == true)
        _ = await s.receive(#"{"type": "play"}"#)
        #expect(await s.playing == false)
        let model = try ModelFile<Float>(text: try #require(await s.export("model.json")).body)   // finite: it parses
        #expect(model.network.firstNonFiniteParameter() == nil)
        #expect(state["type"] == .string("state"))
        let reset = try parsed(try #require(await s.receive(#"{"type": "reset"}"#).first))
        #expect(reset["diverged"] == .null && number(reset["step"]) == 0)
    }

    @Test("weights that blow up at an epoch's end, then a weight selected: its chain on the epoch's first batch (the server ended on a precondition)")
    func selectAfterDivergence() async throws {
        var settings = PlaygroundSettings()
        try settings.apply(try JSON.parse(#"{"hidden": [16, 16, 16, 16, 16, 16], "activations": ["relu", "relu", "relu", "relu", "relu", "relu"], "learningRate": 10, "optimizer": "momentum", "weightDecay": 0.01}"#))
        let s = try PlaygroundSession(settings: settings) { _ in }
        var diverged = false
        for _ in 0..<400 where !diverged {
            let reply = try parsed(try #require(await s.receive(#"{"type": "step"}"#).first))
            diverged = reply["type"] == .string("error") || reply["diverged"] != nil && reply["diverged"] != .null
        }
        #expect(diverged)
        let selected = try parsed(try #require(await s.receive(#"{"type": "select", "parameter": "w-1-0-0"}"#).first))
        #expect(selected["type"] != nil, "\(selected)")
        let lowered = try parsed(try #require(await s.receive(#"{"type": "configure", "learningRate": 0.001}"#).first))
        #expect(lowered["restarted"]?.string == "after the divergence, training starts again from epoch 0 with these settings (press play)", "\(lowered)")
        #expect(try #require(await s.export("model.json")).body.contains("backprop-model"))
    }
}
