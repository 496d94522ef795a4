import Foundation
import Testing
@testable import Backprop
@testable import BackpropPlayground

/// The page's new messages: live changes, new weights and new data, edits, the view toggles,
/// regression and features.
@Suite("Playground session: live changes, seeds, edits, regression, features")
struct LiveSessionTests {
    func reply(_ s: PlaygroundSession, _ text: String) async throws -> JSON {
        try parsed(try #require(await s.receive(text).last))
    }

    @Test("η, λ, λ₁ and the batch change the run without a restart: at once between epochs, else at the epoch's end")
    func liveChange() async throws {
        let s = try PlaygroundSession { _ in }
        for _ in 0..<3 { _ = await s.receive(#"{"type": "step"}"#) }
        var state = try await reply(s, #"{"type": "configure", "learningRate": 0.1, "l1": 0.001}"#)
        #expect(state["step"] == .number(3) && state["pending"]?.string?.contains("η = 0.1, λ₁ = 0.001 when the current epoch (epoch 1) ends") == true)
        #expect(state["settings"]?["learningRate"] == .number(0.3))           // still in force
        for _ in 0..<17 { _ = await s.receive(#"{"type": "step"}"#) }        // the end of epoch 1
        state = try await reply(s, #"{"type": "pause"}"#)
        #expect(state["epoch"] == .number(1) && state["pending"] == .null && state["settings"]?["learningRate"] == .number(0.1))
        let optimizer = await s.run.optimizer
        #expect(optimizer.learningRate == 0.1 && optimizer.l1 == 0.001)
        // Between epochs: at once. The command line replays both stretches.
        state = try await reply(s, #"{"type": "configure", "batch": 20}"#)
        #expect(state["batches"] == .number(10) && state["pending"] == .null && state["epoch"] == .number(1))
        // Nothing trained with η 0.1 or batch 20 yet: the command is epoch 1's, as it ran (η 0.3, batch 10).
        let first = try #require(state["command"]?.string)
        #expect(!first.contains("&&") && first.contains("--lr 0.3 ") && first.contains("--batch 10 ") && first.contains("--epochs 1 "), "\(first)")
        for _ in 0..<10 { _ = await s.receive(#"{"type": "step"}"#) }
        state = try await reply(s, #"{"type": "pause"}"#)
        let command = try #require(state["command"]?.string)
        #expect(command.hasSuffix("--epochs 1 --checkpoint run.json --checkpoint-every 1 && backprop train --resume run.json --lr 0.1 --batch 20 --l1 0.001 --epochs 2 --save model.json")
                || command.hasSuffix("--epochs 1 --checkpoint run.json --checkpoint-every 1 && backprop train --resume run.json --lr 0.1 --l1 0.001 --batch 20 --epochs 2 --save model.json"), "\(command)")
        // The view settings change the pictures only.
        state = try await reply(s, #"{"type": "configure", "showTest": false, "discretize": true}"#)
        #expect(state["epoch"] == .number(2) && state["settings"]?["showTest"] == .bool(false))
        #expect(!(state["boundary"]?.string?.contains(">test<") ?? true))
        // Dropout too changes as it goes; anything else starts over, and says so until play or step.
        state = try await reply(s, #"{"type": "configure", "dropout": 0.2}"#)
        #expect(state["epoch"] == .number(2) && number(state["settings"]?["dropout"]) == 0.2)
        // A setting sent again unchanged (the spiral button pressed on the spiral) changes nothing.
        state = try await reply(s, #"{"type": "configure", "data": "spiral", "hidden": [8, 8]}"#)
        #expect(state["epoch"] == .number(2) && state["restarted"] == .null, "\(state["restarted"] ?? .null)")
        state = try await reply(s, #"{"type": "configure", "noise": 0.2}"#)
        #expect(state["epoch"] == .number(0) && state["step"] == .number(0))
        #expect(state["restarted"]?.string == "noise cannot change mid-run, so training starts again from epoch 0 (press play)")
        state = try await reply(s, #"{"type": "step"}"#)
        #expect(state["restarted"] == .null)
    }

    @Test("new weights keep the data; new data keeps the weight seed; both pick a new seed, or the one given")
    func seeds() async throws {
        let s = try PlaygroundSession { _ in }
        let (points, weights) = (await s.run.rawTrain, await s.run.network.layers[0].weights)
        var state = try await reply(s, #"{"type": "reset"}"#)
        let run = await s.run
        #expect(run.rawTrain == points && run.network.layers[0].weights != weights)
        #expect(state["settings"]?["seed"] != .number(1) && state["settings"]?["dataSeed"] == .number(1))
        let seed = state["settings"]?["seed"]
        state = try await reply(s, #"{"type": "newData"}"#)
        #expect(await s.run.rawTrain != points && state["settings"]?["seed"] == seed)
        state = try await reply(s, #"{"type": "newData", "dataSeed": 1}"#)
        #expect(await s.run.rawTrain == points)
    }

    @Test("a weight edited by hand: paused, in the network, in the panel; the export says why it cannot be replayed")
    func edit() async throws {
        let s = try PlaygroundSession { _ in }
        _ = await s.receive(#"{"type": "play"}"#)
        let state = try await reply(s, #"{"type": "edit", "parameter": "w-2-1-3", "value": 1.5}"#)
        #expect(state["playing"] == .bool(false))
        #expect(await s.run.network.layers[1].weights[1, 3] == 1.5)
        #expect(state["chain"]?["value"] == .number(1.5) && state["chain"]?["parameter"] == .string("W²[1][3]"))
        #expect(state["command"]?.string?.hasPrefix("# not reproducible by backprop train: W²[1][3] was set by hand to 1.5") == true)
        for bad in [#"{"type": "edit", "parameter": "w-9-0-0", "value": 1}"#, #"{"type": "edit", "parameter": "w-2-1-3", "value": "x"}"#,
                    #"{"type": "edit", "parameter": "w-2-1-3", "value": 1e300}"#, #"{"type": "edit", "value": 1}"#] {
            #expect(try await reply(s, bad)["type"] == .string("error"), "\(bad)")
        }
    }

    @Test("regression: one output, R² instead of accuracy; back to classes restores softmax")
    func regression() async throws {
        let s = try PlaygroundSession { _ in }
        var state = try await reply(s, #"{"type": "configure", "data": "multi-gaussian"}"#)
        #expect(await s.run.network.sizes == [2, 8, 8, 1])
        #expect(state["testAccuracy"] == .null && state["testR2"]?.number != nil)
        #expect(state["settings"]?["output"] == .string("identity") && state["settings"]?["loss"] == .string("squared-error"))
        #expect(number(state["settings"]?["learningRate"]) == 0.3 && state["settings"]?["problem"] == .string("regression"))
        #expect(state["command"]?.string?.contains("--data multi-gaussian") == true)
        state = try await reply(s, #"{"type": "configure", "data": "xor"}"#)
        #expect(state["settings"]?["output"] == .string("softmax"))
    }

    @Test("features: the network's inputs, named in the picture; an empty or unknown list is refused")
    func features() async throws {
        let s = try PlaygroundSession { _ in }
        let state = try await reply(s, #"{"type": "configure", "data": "circles", "features": ["x1sq", "x2sq", "x1x2"], "hidden": []}"#)
        let run = await s.run
        #expect(run.network.sizes == [3, 2] && run.model.features == [.x1sq, .x2sq, .x1x2])
        #expect(state["network"]?.string?.contains(">x1²<") == true && state["network"]?.string?.contains(">x1·x2<") == true)
        #expect(state["command"]?.string?.contains("--features x1sq,x2sq,x1x2") == true)
        for bad in [#"{"type": "configure", "features": []}"#, #"{"type": "configure", "features": ["x3"]}"#,
                    #"{"type": "configure", "features": ["x1", "x1"]}"#, #"{"type": "configure", "showTest": 1}"#] {
            #expect(try await reply(s, bad)["type"] == .string("error"), "\(bad)")
        }
    }

    @Test("play after divergence says why; step clears nothing silently")
    func divergence() async throws {
        let s = try PlaygroundSession { _ in }
        _ = await s.receive(#"{"type": "configure", "learningRate": 10, "optimizer": "sgd", "output": "identity", "loss": "squared-error"}"#)
        var last = JSON.null
        for _ in 0..<400 {
            last = try await reply(s, #"{"type": "step"}"#)
            if last["type"] == .string("error") { break }
        }
        #expect(last["message"]?.string?.hasPrefix("training diverged") == true, "\(last)")
        let play = try await reply(s, #"{"type": "play"}"#)
        #expect(play["type"] == .string("error") && play["message"]?.string?.hasPrefix("cannot play: training diverged") == true)
    }
}

@Suite("Playground pictures: gradient flow, dead neurons, the next batch")
struct PlaygroundPictureTests {
    @Test("edges by |dW| follow the next batch's gradient; a dead ReLU is marked; the selected weight's batch is ringed")
    func pictures() async throws {
        var settings = PlaygroundSettings()
        (settings.hidden, settings.activations) = ([3], [.relu])
        var run = try PlaygroundRun(settings: settings)
        let gradients = run.nextGradients()
        #expect(gradients.count == 2 && gradients[0].rows == 3 && gradients[0].cols == 2)
        #expect(run.neuronMarks()[1].allSatisfy { $0 == nil })
        try run.edit(layer: 1, neuron: 1, from: nil, to: -1000)       // its z < 0 everywhere: dead
        let marks = run.neuronMarks()
        #expect(marks[1][1]?.hasPrefix("dead") == true && marks[1][0] == nil)
        settings.edgesByGradient = true
        try run.change(to: settings)
        let svg = run.networkSVG().rendered
        #expect(svg.contains("|dW| = ") && svg.contains("dead: 0 on every training point"))
        let ringed = run.boundarySVG(highlighted: Array(run.nextBatchIndices)).rendered
        #expect(ringed.components(separatedBy: "r=\"6.5\"").count - 1 == settings.batch)
    }
}
