import Foundation
import Testing
@testable import Backprop
@testable import BackpropPlayground

/// "Quiz me": the selected weight's chain asked one number at a time, checked and diagnosed by
/// `Exercise`, as `backprop exercise` does.
@Suite("Playground quiz")
struct QuizTests {
    func reply(_ s: PlaygroundSession, _ text: String) async throws -> JSON {
        try parsed(try #require(await s.receive(text).last))
    }

    @Test("quiz on W²[0][1]: its chain in the order of the pass; answers checked with the same diagnoses; any change ends it")
    func quiz() async throws {
        let s = try PlaygroundSession { _ in }
        for _ in 0..<3 { _ = await s.receive(#"{"type": "step"}"#) }
        let refused = try await reply(s, #"{"type": "quiz"}"#)
        #expect(refused["type"]?.string == "error" && refused["message"]?.string?.contains("select a weight or a bias first") == true)
        _ = await s.receive(#"{"type": "select", "parameter": "w-2-0-1"}"#)
        await s.play()
        let replies = await s.receive(#"{"type": "quiz"}"#)      // a state first: the page that was playing shows "paused"
        let shown = try parsed(try #require(replies.first))
        #expect(replies.count == 2 && shown["playing"] == .bool(false) && shown["type"] == .string("state"))
        let quiz = try parsed(try #require(replies.last))
        let ids = try #require(quiz["questions"]?.array).compactMap { $0["id"]?.string }
        let layers = await s.run.network.layers.count
        #expect(ids.first == "z2[0]" && ids.contains("loss") && ids.contains("delta2[0]") && ids.suffix(2) == ["dW2[0][1]", "W_new2[0][1]"], "\(ids)")
        #expect(!ids.contains("delta1[0]") && ids.filter { $0.hasPrefix("delta") }.count >= layers - 1)

        // The same exercise the command line would set: the next batch's first sample, plain gradient descent.
        let (x, y) = await s.run.nextBatchAsWritten()
        let reference = try Exercise(network: await s.run.networkAsWritten, input: (0..<x.cols).map { x[0, $0] },
                                     target: (0..<y.cols).map { y[0, $0] }, learningRate: await s.run.training.learningRate)
        let dW = try #require(reference.question("dW2[0][1]"))
        let right = try await reply(s, #"{"type": "quizAnswer", "id": "dW2[0][1]", "value": \#(dW.answer)}"#)
        #expect(right["type"]?.string == "quizResult" && right["correct"] == .bool(true) && right["mistake"] == .null)
        let wrongSign = try await reply(s, #"{"type": "quizAnswer", "id": "dW2[0][1]", "value": \#(-dW.answer)}"#)
        #expect(wrongSign["correct"] == .bool(false) && wrongSign["mistake"]?.string == "wrong-sign")
        #expect(wrongSign["working"]?.string?.hasPrefix("dLoss/dW²[0][1] = δ²[0] · a¹[1] = ") == true)
        let bad = try await reply(s, #"{"type": "quizAnswer", "id": "dW9[0][1]", "value": 1}"#)
        #expect(bad["type"]?.string == "error")

        _ = await s.receive(#"{"type": "step"}"#)            // a change ends the quiz
        let over = try await reply(s, #"{"type": "quizAnswer", "id": "dW2[0][1]", "value": 1}"#)
        #expect(over["message"]?.string?.contains("no quiz running") == true)
    }

    @Test("a bias's quiz asks its δ, db and new b, no weight's")
    func biasQuiz() async throws {
        let s = try PlaygroundSession { _ in }
        _ = await s.receive(#"{"type": "select", "parameter": "n-1-2"}"#)
        let ids = try #require(try await reply(s, #"{"type": "quiz"}"#)["questions"]?.array).compactMap { $0["id"]?.string }
        #expect(ids.contains("delta1[2]") && ids.suffix(2) == ["db1[2]", "b_new1[2]"] && !ids.contains { $0.hasPrefix("dW") }, "\(ids)")
    }
}
