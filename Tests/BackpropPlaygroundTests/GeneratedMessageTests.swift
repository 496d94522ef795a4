import Backprop
import Foundation
import Testing
@testable import BackpropPlayground

/// Generated misuse of the playground: sequences of messages drawn from a seeded generator, each
/// mixing valid settings with absurd ones (out of range, wrong types, 1e309, unknown names),
/// steps, selections, edits, quizzes and exports, sent to one session. A trap anywhere ends the
/// test process, so passing means no sequence crashed the server; and every reply is JSON, every
/// error one line. `BACKPROP_GENERATED_SEQUENCES=N` runs N sequences instead of the default.
@Suite("Playground: generated message sequences never crash the session")
struct GeneratedMessageTests {
    /// What a `configure` may set: each setting's values, valid and not, as JSON text.
    static let settings: [(key: String, values: [String])] = [
        ("data", [#""xor""#, #""circles""#, #""spiral""#, #""gaussians""#, #""plane""#, #""multi-gaussian""#, #""csv""#, #""nope""#, "3", "null"]),
        ("csv", [#""x1,x2,label\n0,0,a\n1,1,b\n0,1,a\n1,0,b\n""#, #""x1,x2,y\n0,0,0.5\n1,1,1e6\n2,3,-4\n0,1,2\n""#, #""""#, #""a\n""#,
                 #""x1,x2,label\n1,2\n""#, #""x1,x2,label\nnan,1,a\n2,inf,b\n""#, #""x1,x2,label\n0,0,a\n1,1,a\n""#, "12"]),
        ("samples", ["10", "5000", "9", "0", "-1", "1e309", #""x""#, "37", "2.5"]),
        ("noise", ["0", "0.5", "1", "2", "-0.1", "1e309"]),
        ("testSplit", ["0.05", "0.5", "0.95", "0", "1", "-1"]),
        ("hidden", ["[]", "[1]", "[16,16,16,16,16,16]", "[17]", "[2,3]", #""8""#, "[0]", "[1,1,1,1,1,1,1]"]),
        ("activations", [#"["relu"]"#, #"["tanh","sigmoid"]"#, #"["softmax"]"#, #"["leaky-relu","identity","relu"]"#, "[5]", "[]"]),
        ("output", [#""softmax""#, #""sigmoid""#, #""identity""#, #""tanh""#, #""relu""#, #""x""#]),
        ("loss", ["null", #""auto""#, #""squared-error""#, #""binary-cross-entropy""#, #""softmax-cross-entropy""#, #""x""#]),
        ("optimizer", [#""sgd""#, #""momentum""#, #""nesterov""#, #""adam""#, #""x""#]),
        ("learningRate", ["1e-6", "10", "0.03", "3", "1e-7", "11", "-1", "1e309"]),
        ("batch", ["1", "5000", "10", "0", "7", "3.5"]),
        ("weightDecay", ["0", "0.5", "1", "2"]),
        ("l1", ["0", "0.01", "1", "-1"]),
        ("dropout", ["0", "0.5", "0.9", "0.95"]),
        ("scale", [#""standardize""#, #""minmax""#, #""none""#, #""fixed""#, #""x""#]),
        ("seed", ["0", "1", "4294967295", "4294967296", "-1"]),
        ("dataSeed", ["0", "2", "4294967295", "-5"]),
        ("features", [#"["x1","x2"]"#, #"["x1sq","x2sq","x1x2","sin_x1","sin_x2"]"#, #"["x1"]"#, "[]", #"["x1","x1"]"#, #"["y"]"#]),
        ("showTest", ["true", "false", "1"]),
        ("discretize", ["true", "false"]),
        ("edgesByGradient", ["true", "false", "null"]),
        ("bogus", ["1"]),
    ]

    static let exports = ["model.json", "checkpoint.json", "boundary.svg", "network.svg", "loss.svg", "step.svg", "command.txt", "explain.txt", "nope"]

    /// The next message of a sequence, as JSON text (or not quite JSON, now and then).
    static func message(_ rng: inout SeededGenerator) -> String {
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        func index() -> Int { pick([0, 0, 1, 1, 2, 3, 5, 15, 16, 999, 1000]) }
        func parameter() -> String {
            pick(["\"w-\(pick([0, 1, 2, 3, 4, 7]))-\(index())-\(index())\"", "\"n-\(pick([0, 1, 2, 3, 7]))-\(index())\"", "null", "\"w-1-0\"", "12", "\"w--1-0-0\""])
        }
        switch rng.next() % 100 {
        case 0..<35:
            let count = 1 + Int(rng.next() % 3)
            let members = (0..<count).map { _ in let (key, values) = pick(settings); return "\"\(key)\": \(pick(values))" }
            return "{\"type\": \"configure\", \(members.joined(separator: ", "))}"
        case 35..<62: return #"{"type": "step"}"#
        case 62..<72: return "{\"type\": \"select\", \"parameter\": \(parameter())}"
        case 72..<80: return "{\"type\": \"edit\", \"parameter\": \(parameter()), \"value\": \(pick(["0", "1e6", "-1e6", "1e7", "0.5", "\"x\"", "1e-30", "1e309"]))}"
        case 80..<85: return #"{"type": "quiz"}"#
        case 85..<90:
            return "{\"type\": \"quizAnswer\", \"id\": \(pick(["\"z1[0]\"", "\"a1[0]\"", "\"delta2[0]\"", "\"loss\"", "\"nope\"", "3"])), \"value\": \(pick(["0.5", "-1", "1e309", "\"x\""]))}"
        case 90..<95: return "{\"type\": \"\(pick(["reset", "newData"]))\", \"\(pick(["seed", "dataSeed"]))\": \(pick(["1", "0", "-1", "4294967296", "\"x\""]))}"
        case 95..<97: return "{\"type\": \"speed\", \"epochsPerSecond\": \(pick(["0", "30", "10000", "10001", "-1", "\"fast\""]))}"
        default: return pick(["", "{", "[1]", #"{"type": "fly"}"#, #"{"type": "pause"}"#])     // (play: timing, not the seed, would decide)
        }
    }

    @Test("every reply is JSON, every error one line, and the session still steps afterwards")
    func sequences() async throws {
        let count = ProcessInfo.processInfo.environment["BACKPROP_GENERATED_SEQUENCES"].flatMap(Int.init) ?? 30
        var rng = SeededGenerator(seed: 2026)
        var (messages, errors, states) = (0, 0, 0)
        for sequence in 0..<count {
            let session = try PlaygroundSession(updateInterval: .milliseconds(5)) { _ in }
            var sent: [String] = []
            for _ in 0..<(10 + Int(rng.next() % 20)) {
                if rng.next() % 20 == 0 {                      // an export of what the session has now
                    let name = Self.exports[Int(rng.next() % UInt64(Self.exports.count))]
                    let file = await session.export(name)
                    #expect((file == nil) == (name == "nope"), "sequence \(sequence): export \(name) after \(sent)")
                    continue
                }
                let text = Self.message(&rng)
                sent.append(text)
                messages += 1
                for reply in await session.receive(text) {
                    let json = try #require(try? JSON.parse(reply.text), "sequence \(sequence): not JSON after \(sent): \(reply.text.prefix(200))")
                    switch json["type"]?.string {
                    case "error":
                        errors += 1
                        let message = json["message"]?.string ?? ""
                        #expect(!message.isEmpty && !message.contains("\n"), "sequence \(sequence): \(message) after \(sent)")
                    case "state": states += 1
                    case "quiz", "quizAnswer", "quizResult", "quizDone": break
                    case let other: Issue.record("sequence \(sequence): a reply of type \(other ?? "nil") after \(sent)")
                    }
                }
            }
            await session.close()
            // Whatever happened, the session answers a step: a state, or one line on why not (diverged).
            let last = try JSON.parse(try #require(await session.receive(#"{"type": "step"}"#).first).text)
            #expect(last["type"] == .string("state") || last["message"]?.string?.contains("diverged") == true, "sequence \(sequence): \(last)")
        }
        #expect(messages >= 5 * count && errors > 0 && states > 0, "\(messages) messages, \(errors) errors, \(states) states")
    }
}
