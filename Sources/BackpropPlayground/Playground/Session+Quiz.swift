import Backprop

/// "Quiz me": the chain of the selected weight or bias, asked one number at a time and checked
/// by ``Exercise`` — the same checks and diagnoses as `backprop exercise`.
///
/// | message | reply |
/// |---|---|
/// | `{"type": "quiz"}` (a parameter selected) | `{"type": "quiz", "questions": [{"id", "symbol"}], "about"}` |
/// | `{"type": "quizAnswer", "id": "delta2[0]", "value": 0.1385}` | `{"type": "quizResult", "id", "correct", "mistake", "explanation", "working"}` |
///
/// The step is the panel's: the next batch's first sample, plain gradient descent at the run's
/// η, on the network as it is now.
extension PlaygroundSession {
    func startQuiz() throws(PlaygroundError) -> Outgoing {
        guard let s = selection else { throw PlaygroundError("quiz: select a weight or a bias first (click it)") }
        let (x, y) = run.nextBatchAsWritten()
        let exercise: Exercise
        do {
            exercise = try Exercise(network: run.networkAsWritten, input: (0..<x.cols).map { x[0, $0] },
                                    target: (0..<y.cols).map { y[0, $0] }, learningRate: run.training.learningRate)
        } catch { throw PlaygroundError("quiz: \(error)") }
        let chain = exercise.questions.filter { Self.onChain($0, layer: s.layer, neuron: s.neuron, from: s.from, layers: run.network.layers.count) }
        quiz = exercise
        let questions: [JSON] = chain.map { .object([("id", .string($0.id)), ("symbol", .string($0.symbol))]) }
        let about = "One sample (the next batch's first), plain gradient descent with η = \(Exercise.full(run.training.learningRate)); answers within \(Exercise.full(Exercise.tolerance * 100))% are right."
        return Outgoing(text: JSON.object([("type", .string("quiz")), ("questions", .array(questions)), ("about", .string(about))]).serialized(),
                        isState: false)
    }

    func answerQuiz(_ message: JSON) throws(PlaygroundError) -> Outgoing {
        guard let quiz else { throw PlaygroundError("quizAnswer: no quiz running (send {\"type\": \"quiz\"} first)") }
        guard let id = message["id"]?.string, let question = quiz.question(id) else { throw PlaygroundError("quizAnswer: give the \"id\" of a question of the quiz") }
        guard let value = message["value"]?.number.flatMap(Double.init), value.isFinite else { throw PlaygroundError("quizAnswer: \"value\" must be a number") }
        let grade = quiz.grade(question, answer: value)
        let reply = JSON.object([
            ("type", .string("quizResult")), ("id", .string(id)), ("correct", .bool(grade.correct)),
            ("mistake", grade.mistake.map { .string($0.rawValue) } ?? .null),
            ("explanation", grade.mistake.map { .string($0.explanation) } ?? .null),
            ("working", .string(quiz.working(question))),
        ])
        return Outgoing(text: reply.serialized(), isState: false)
    }

    /// Whether `q` is on the chain of `W^layer[neuron][from]` (or `b^layer[neuron]`): the
    /// neuron's z and a, the loss, every δ from the output down to the neuron's, and the
    /// parameter's gradient and new value.
    static func onChain(_ q: Exercise.Question, layer: Int, neuron: Int, from: Int?, layers: Int) -> Bool {
        switch q.quantity {
        case .z, .a: q.layer == layer && q.index == [neuron]
        case .loss: true
        case .delta: q.layer > layer || (q.layer == layer && q.index == [neuron])
        case .dW, .newW: from.map { q.layer == layer && q.index == [neuron, $0] } ?? false
        case .db, .newB: from == nil && q.layer == layer && q.index == [neuron]
        }
    }
}
