import Foundation
import Testing
@testable import Backprop
@testable import BackpropPlayground

/// The playground against the command line: its command reproduces its run, its panel's numbers
/// are `backprop explain`'s, and `backprop serve` starts and refuses bad options.
@Suite("Playground and the command line")
struct PlaygroundCommandTests {
    func number(_ v: JSON?) -> Double { v?.number.flatMap(Double.init) ?? .nan }

    @Test("the exported command line trains the same weights as the playground, bit for bit", arguments: [
        #"{"data": "spiral", "samples": 120, "batch": 7}"#,
        #"{"data": "circles", "samples": 100, "hidden": [5, 3], "activations": ["relu", "sigmoid"], "optimizer": "momentum", "learningRate": 0.1, "weightDecay": 0.001, "testSplit": 0.3, "scale": "minmax"}"#,
        #"{"data": "xor", "samples": 80, "hidden": [], "output": "sigmoid", "optimizer": "sgd", "learningRate": 0.3, "seed": 5, "scale": "none"}"#,
        #"{"data": "circles", "samples": 90, "features": ["x1sq", "x2sq", "x1x2", "sin_x1"], "l1": 0.003, "hidden": [4], "dataSeed": 7, "seed": 3}"#,
        #"{"data": "plane", "samples": 100, "hidden": [3], "optimizer": "adam", "learningRate": 0.03, "l1": 0.001, "weightDecay": 0.01}"#,
        #"{"data": "multi-gaussian", "samples": 100, "features": ["x1", "x2", "sin_x1", "sin_x2"], "hidden": [6]}"#,
        #"{"data": "spiral", "samples": 100, "hidden": [6, 5], "dropout": 0.3, "optimizer": "adam", "learningRate": 0.01}"#,
    ], [false, true])
    func commandReproducesRun(configure: String, live: Bool) throws {
        var settings = PlaygroundSettings()
        try settings.apply(try JSON.parse(configure))
        var run = try PlaygroundRun(settings: settings)
        run.trainEpoch()
        if live {        // η between epochs (at once); batch and L1 mid-epoch (from the next epoch)
            var changed = run.settings
            changed.learningRate /= 2
            try run.change(to: changed)
            for _ in 0..<2 { run.step() }
            changed.batch = 5
            changed.l1 = 0.01
            try run.change(to: changed)
            #expect(run.pending != nil)
        }
        for _ in 0..<3 { run.trainEpoch() }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let commands = run.commandLine.components(separatedBy: " && ")
        #expect(commands.count == (live ? 3 : 1), "\(run.commandLine)")
        for command in commands {
            let arguments = command.split(separator: " ").dropFirst().map(String.init)     // without "backprop"
            let result = try backprop(arguments, in: folder)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        let saved = try ModelFile<Float>(contentsOf: folder.appendingPathComponent("model.json").path)
        #expect(saved.preprocessing == run.preprocessing && saved.features == run.model.features)
        for (a, b) in zip(saved.network.layers, run.network.layers) {
            #expect(a.weights.storage == b.weights.storage && a.biases == b.biases && a.activation == b.activation)
        }
        #expect(saved.network.loss == run.network.loss)
    }

    @Test("the panel is explain --state on the exported checkpoint, for every optimizer and regulariser; its bold value is the weight after step",
          arguments: [#"{"optimizer": "sgd", "learningRate": 0.1}"#, #"{"optimizer": "momentum", "learningRate": 0.1}"#,
                      #"{"optimizer": "nesterov", "learningRate": 0.1, "l1": 0.01}"#, #"{"optimizer": "adam", "learningRate": 0.03}"#,
                      #"{"optimizer": "sgd", "learningRate": 0.1, "l1": 0.01}"#, #"{"optimizer": "sgd", "learningRate": 0.1, "weightDecay": 0.01}"#,
                      #"{"optimizer": "adam", "learningRate": 0.03, "weightDecay": 0.1, "l1": 0.003}"#,
                      #"{"optimizer": "momentum", "learningRate": 0.1, "dropout": 0.5}"#])
    func panelEqualsExplain(configure: String) async throws {
        var settings = PlaygroundSettings()
        try settings.apply(try JSON.parse(configure))
        let session = try PlaygroundSession(settings: settings) { _ in }
        for _ in 0..<25 { _ = await session.receive(#"{"type": "step"}"#) }       // into the second epoch
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for parameter in ["w-2-3-5", "w-1-0-1", "n-3-1"] {
            let reply = try JSON.parse(try #require(await session.receive(#"{"type": "select", "parameter": "\#(parameter)"}"#).first).text)
            let panel = try #require(reply["chain"])
            try #require(await session.export("checkpoint.json")).body.write(to: folder.appendingPathComponent("checkpoint.json"), atomically: true, encoding: .utf8)
            let explain = try #require(await session.export("explain.txt")).body
            let cli = try runExplain(command: explain, parameter: parameter, in: folder)
            for key in ["value", "gradient", "updated", "learning_rate"] {
                #expect(number(panel[key]) == number(cli[key]), "\(parameter) \(key): panel \(number(panel[key])), explain \(number(cli[key]))")
            }
            #expect(panel["update"] == cli["update"], "\(parameter): the optimizer's rule and numbers")
            let (p, c) = (try #require(panel["samples"]?.array), try #require(cli["samples"]?.array))
            #expect(p.count == c.count && p.count == settings.batch)
            for (x, y) in zip(p, c) {
                for key in ["delta", "dloss_da", "da_dz", "dz_dparameter", "a", "z", "mask"] { #expect(x[key] == y[key], "\(parameter) \(key)") }
            }
            #expect(panel["parameter"] == cli["parameter"])
            // The bold value is what training gives: after one step, the parameter is exactly it.
            let after = try #require(panel["after_step"]?.string)
            let stepped = try JSON.parse(try #require(await session.receive(#"{"type": "step"}"#).first).text)
            let value = try #require(stepped["chain"]?["value"]?.number)
            #expect(Float(value) == Float(after), "\(parameter): after step \(value), panel said \(after)")
            // And explain's double-precision update agrees with it to Float's precision.
            #expect(abs(number(cli["updated"]) - Double(Float(after)!)) <= 1e-5 * max(1, abs(number(cli["updated"]))))
        }
    }

    @Test("explain --parameter prints one weight's chain rule; a parameter that does not exist is an input error")
    func explainParameter() throws {
        let run = try backprop(["explain", "--parameter", "2,0,1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("W²[0][1] ="))
        #expect(run.stdout.contains("dLoss/dW²[0][1] = Σ over 4 samples of δ²[0] · dz/dW = a¹[1]"))
        #expect(run.stdout.contains("W²[0][1] ← "))
        expectInputError(try backprop(["explain", "--parameter", "3,0,0"]), "has no such parameter; layers are 1…2")
        let usage = try backprop(["explain", "--parameter", "2;0"])
        #expect(usage.status == 64 && usage.stderr.contains("expected L,J,K for a weight or L,J for a bias"))
    }

    @Test("serve, from a copy of the binary alone in a folder, prints its URL and serves the page; bad options are refused")
    func serve() throws {
        // The page is compiled into the binary: a copy with nothing beside it serves it.
        let alone = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: alone) }
        let copy = alone.appendingPathComponent("backprop")
        try FileManager.default.copyItem(at: try backpropBinary(), to: copy)
        let process = Process()
        process.executableURL = copy
        process.arguments = ["serve", "--port", "0"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while !text.contains("\n") && Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        #expect(text.hasPrefix("Backprop playground: http://127.0.0.1:"), "\(text)")
        let url = String(try #require(text.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("http://") }))
        let page = try String(contentsOf: URL(string: url)!, encoding: .utf8)
        #expect(page.contains("Backprop playground"))
        for file in ["playground.js", "address.js", "panel.js", "playground.css"] {
            let text = try String(contentsOf: URL(string: url + file)!, encoding: .utf8)
            #expect(text.count > 1000, "\(file)")
        }
        // A tab that never reads (nor answers the close): Ctrl-C still stops the server, cleanly.
        let port = try #require(URL(string: url)?.port)
        let tab = try LoopbackHTTP.connectAndSend(port: port, "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        defer { close(tab) }
        Thread.sleep(forTimeInterval: 0.5)
        let started = Date()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(Date().timeIntervalSince(started) < 8)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let usage = try backprop(["serve", "--port", "70000"])
        #expect(usage.status == 64 && usage.stderr.contains("--port must be between 0 and 65535"))
        expectInputError(try backprop(["serve", "--host", "256.1.1.1", "--port", "0"]), "--host 256.1.1.1 is not an address of this machine")
    }

    @Test("--test-split holds out part of --data as the test set; bad values are usage errors")
    func testSplit() throws {
        let run = try backprop(["train", "--data", "circles", "--samples", "100", "--test-split", "0.25", "--layers", "2,4,2", "--epochs", "1", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSON.parse(run.stdout)
        #expect(json["test_accuracy"]?.number != nil, "\(run.stdout.prefix(400))")
        #expect(json["settings"]?["test_split"] == .number("0.25"))
        let bad = try backprop(["train", "--data", "circles", "--test-split", "1.5"])
        #expect(bad.status == 64 && bad.stderr.contains("--test-split must be between 0 and 1"))
    }

    @Test("the page's checkpoint.json resumes from an epoch's end; one saved mid-epoch is refused with the reason")
    func checkpointResume() async throws {
        let session = try PlaygroundSession { _ in }
        for _ in 0..<20 { _ = await session.receive(#"{"type": "step"}"#) }     // the end of epoch 1
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try #require(await session.export("checkpoint.json")).body.write(to: folder.appendingPathComponent("end.json"), atomically: true, encoding: .utf8)
        _ = await session.receive(#"{"type": "step"}"#)
        try #require(await session.export("checkpoint.json")).body.write(to: folder.appendingPathComponent("mid.json"), atomically: true, encoding: .utf8)
        let resumed = try backprop(["train", "--resume", "end.json", "--epochs", "2", "--save", "m.json"], in: folder)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        expectInputError(try backprop(["train", "--resume", "mid.json", "--epochs", "2"], in: folder),
                         "--resume mid.json: it was saved 1 batch into epoch 2, and a run resumes only from an epoch's end")
    }
}
