/// One training step to compute by hand: a small network, one sample, and the questions of the
/// pass in its order — `z` and `a` of every layer, the loss, `δ^L`, the hidden `δ^l`, `dW`, `db`,
/// and the updated `W` and `b`. The answers are a ``StepTrace`` of the real step (the network's
/// own forward, backward and update, in Double), never a second implementation.
///
/// A wrong answer is compared with the known wrong formulas (``Mistake``), each recomputed from
/// the right values upstream, so the diagnosis names the step where the learner went wrong.
///
/// ```swift
/// let exercise = try Exercise.draw(seed: 7)            // 2-2-1 sigmoid, ½ squared error, η = 0.5
/// let first = exercise.questions[0]                    // z¹[0]
/// exercise.grade(first, answer: first.answer)          // right
/// let delta = exercise.questions.first { $0.id == "delta2[0]" }
/// delta.map { exercise.grade($0, answer: 0.1).mistake }   // the mistake 0.1 matches, if any
/// ```
public struct Exercise: Sendable {
    /// The network before the step (Double: the numbers a learner computes with).
    public var network: Network<Double>
    /// The sample `x` and its target `y`.
    public var input: [Double], target: [Double]
    /// `η` of the plain gradient-descent update `W ← W − η dW`.
    public var learningRate: Double
    /// The real step, recorded: every right answer is read from it.
    public var trace: StepTrace
    /// The questions, in the order of the pass.
    public var questions: [Question]

    /// An answer within this relative error of the right value is right: a learner's rounding to
    /// 4 significant digits (and 4-digit intermediate values) stays well inside it.
    public static let tolerance = 0.002
    /// Below this size a value counts as 0 (a dead ReLU's gradient, say).
    public static let zero = 1e-9

    /// The groups of questions `--steps` picks from.
    public enum Step: String, CaseIterable, Sendable {
        case forward, loss, delta, gradient, update
        /// The quantities asked in this group.
        public var quantities: [Quantity] {
            switch self {
            case .forward: [.z, .a]
            case .loss: [.loss]
            case .delta: [.delta]
            case .gradient: [.dW, .db]
            case .update: [.newW, .newB]
            }
        }
    }

    /// What a question asks for.
    public enum Quantity: String, CaseIterable, Sendable {
        case z, a, loss, delta, dW, db
        case newW = "W_new", newB = "b_new"
    }

    /// One number to compute.
    public struct Question: Sendable, Equatable {
        /// A stable id, as `--answers` files name it: `z1[0]`, `loss`, `delta2[0]`, `dW2[0][1]`, `W_new1[1][0]`.
        public var id: String
        /// The tutorial's symbol: `z¹[0]`, `δ²[0]`, `dLoss/dW²[0][1]`, `W²[0][1] after the step`.
        public var symbol: String
        public var quantity: Quantity
        /// 1-based layer (0 for the loss).
        public var layer: Int
        /// `[j]` or `[j, k]` (`[]` for the loss).
        public var index: [Int]
        /// The right value.
        public var answer: Double
    }

    /// A graded answer.
    public struct Grade: Sendable, Equatable {
        public var correct: Bool
        /// The likely mistake behind a wrong answer, when a known wrong formula gives it.
        public var mistake: Mistake?
        public init(correct: Bool, mistake: Mistake?) { (self.correct, self.mistake) = (correct, mistake) }
    }

    /// The network, sample and rate of the exercise, and the groups of questions to ask.
    public init(network: Network<Double>, input: [Double], target: [Double], learningRate: Double,
                steps: [Step] = Step.allCases) throws(ExerciseError) {
        guard network.layers.first?.inputSize == input.count else {
            throw ExerciseError("the network takes \(network.layers.first?.inputSize ?? 0) inputs; --input has \(input.count)")
        }
        guard network.layers.last?.outputSize == target.count else {
            throw ExerciseError("the network has \(network.layers.last?.outputSize ?? 0) outputs; --target has \(target.count)")
        }
        guard (input + target + [learningRate]).allSatisfy(\.isFinite) else { throw ExerciseError("--input, --target and --lr must be finite numbers") }
        if let problem = Self.learningRateProblem(learningRate) { throw ExerciseError(problem) }
        if let problem = network.loss.problem(outputActivation: network.layers[network.layers.count - 1].activation, outputs: target.count) {
            throw ExerciseError(problem)
        }
        if let problem = network.loss.targetProblem(target) { throw ExerciseError("--target: \(problem)") }
        if let hidden = network.layers.dropLast().first(where: { !$0.activation.isElementwise }) {
            throw ExerciseError("\(hidden.activation.rawValue) is for the output layer only")
        }
        self.network = network
        (self.input, self.target, self.learningRate) = (input, target, learningRate)
        trace = StepTrace.record(network: network, input: Matrix([input]), target: Matrix([target]), learningRate: learningRate)
        let wanted = Set(steps.flatMap(\.quantities))
        let all = Self.questions(trace: trace)
        questions = all.filter { wanted.contains($0.quantity) }
        if let q = all.first(where: { !$0.answer.isFinite }) {
            throw ExerciseError("\(q.symbol) is not a finite number for these weights and this sample; choose smaller numbers")
        }
    }

    /// Why `η` is no learning rate for an exercise, or nil: more than 0 and at most 100 (by hand).
    public static func learningRateProblem(_ learningRate: Double) -> String? {
        learningRate > 0 && learningRate <= 100 ? nil : "--lr must be more than 0 and at most 100 (got \(learningRate))"
    }

    /// Whether a drawn exercise can have these layers (2 to 6 sizes of 1 to 6 neurons: by hand)
    /// and this activation with this loss.
    public static func check(layers: [Int], activation: Activation, loss: Loss) throws(ExerciseError) {
        guard layers.count >= 2, layers.count <= 6, layers.allSatisfy({ (1...6).contains($0) }) else {
            throw ExerciseError("--layers must be 2 to 6 sizes of 1 to 6 neurons (by hand, a small network), e.g. 2,2,1")
        }
        guard activation.isElementwise || loss == .softmaxCrossEntropy else { throw ExerciseError("softmax goes with --loss softmax-cross-entropy") }
        if let problem = loss.problem(outputActivation: outputActivation(activation, loss), outputs: layers[layers.count - 1]) {
            throw ExerciseError(problem)                                  // e.g. softmax-cross-entropy on 1 output
        }
    }

    /// The output layer's activation of a drawn network: the loss's own (softmax for
    /// softmax-cross-entropy), else the hidden layers' one.
    static func outputActivation(_ activation: Activation, _ loss: Loss) -> Activation { loss.fusedActivation ?? activation }

    /// A network drawn from `seed` for hand computation: weights and biases uniform in −1…1 and
    /// the input in 0…1, all with 2 decimals; targets 0 or 1 (2 decimals for an identity output).
    public static func draw(seed: UInt64, layers: [Int] = [2, 2, 1], activation: Activation = .sigmoid,
                            loss: Loss = .squaredError, learningRate: Double = 0.5,
                            steps: [Step] = Step.allCases) throws(ExerciseError) -> Exercise {
        try check(layers: layers, activation: activation, loss: loss)
        var rng = SeededGenerator(seed: seed)
        let output = outputActivation(activation, loss)
        // A layer of ReLUs that are all 0 (every z ≤ 0) makes its δ and every gradient below it
        // 0: little to practise. Such a draw is drawn again from the generator's next numbers
        // (the same seed, the same sheet); a draw passes about one time in three.
        for _ in 0..<100 {
            let exercise = try draw(layers: layers, activation: activation, output: output, loss: loss, learningRate: learningRate,
                                    steps: steps, rng: &rng)
            if !exercise.trace.layers.contains(where: { $0.delta.storage.allSatisfy { $0 == 0 } }) { return exercise }
        }
        throw ExerciseError("seed \(seed): 100 draws in a row had a layer whose every neuron is 0 (dead ReLUs); try another seed")
    }

    /// One draw from `rng` (``draw(seed:layers:activation:loss:learningRate:steps:)``).
    private static func draw(layers: [Int], activation: Activation, output: Activation, loss: Loss, learningRate: Double,
                             steps: [Step], rng: inout SeededGenerator) throws(ExerciseError) -> Exercise {
        func two(_ low: Double, _ high: Double) -> Double { (rng.uniform(low, high) * 100).rounded() / 100 }
        let dense = (1..<layers.count).map { l in
            Dense<Double>(weights: Matrix((0..<layers[l]).map { _ in (0..<layers[l - 1]).map { _ in two(-1, 1) } }),
                          biases: (0..<layers[l]).map { _ in two(-1, 1) },
                          activation: l == layers.count - 1 ? output : (activation == .softmax ? .sigmoid : activation))
        }
        let input = (0..<layers[0]).map { _ in two(0, 1) }
        var target = (0..<layers[layers.count - 1]).map { _ in output == .identity ? two(-1, 1) : rng.uniform() < 0.5 ? 0.0 : 1.0 }
        if output == .softmax {                    // one-hot: one class, drawn once
            let hot = Int(rng.next() % UInt64(target.count))
            target = target.indices.map { $0 == hot ? 1 : 0 }
        }
        return try Exercise(network: Network(layers: dense, loss: loss), input: input, target: target,
                            learningRate: learningRate, steps: steps)
    }

    /// The question with this id.
    public func question(_ id: String) -> Question? { questions.first { $0.id == id } }

    /// Grades `answer` to `question`: right within ``tolerance``; else the first known mistake
    /// whose wrong formula gives it (and which the right value does not).
    public func grade(_ question: Question, answer: Double) -> Grade {
        if Self.matches(answer, question.answer) { return Grade(correct: true, mistake: nil) }
        let mistake = candidates(for: question).first { candidate in
            !Self.matches(candidate.value, question.answer) && Self.matches(answer, candidate.value)
        }?.mistake
        return Grade(correct: false, mistake: mistake)
    }

    /// Whether `value` is `expected` within the tolerance.
    public static func matches(_ value: Double, _ expected: Double) -> Bool {
        guard value.isFinite else { return false }
        return abs(value - expected) <= tolerance * abs(expected) + zero
    }

    /// The questions of a step, in the order of the pass.
    static func questions(trace: StepTrace) -> [Question] {
        var out: [Question] = []
        let count = trace.layers.count
        func add(_ q: Quantity, _ l: Int, _ index: [Int], _ value: Double) {
            let s = NetworkDiagram.sup(l), at = index.map { "[\($0)]" }.joined()
            let symbol: String = switch q {
            case .z: "z\(s)\(at)"
            case .a: "a\(s)\(at)"
            case .loss: "Loss"
            case .delta: "δ\(s)\(at)"
            case .dW: "dLoss/dW\(s)\(at)"
            case .db: "dLoss/db\(s)\(at)"
            case .newW: "W\(s)\(at) after the step"
            case .newB: "b\(s)\(at) after the step"
            }
            out.append(Question(id: q == .loss ? "loss" : "\(q.rawValue)\(l)\(at)", symbol: symbol, quantity: q, layer: l, index: index, answer: value))
        }
        for (i, t) in trace.layers.enumerated() {
            for j in 0..<t.z.cols { add(.z, i + 1, [j], t.z[0, j]); add(.a, i + 1, [j], t.a[0, j]) }
        }
        add(.loss, 0, [], trace.lossBefore)
        for i in stride(from: count - 1, through: 0, by: -1) {
            for j in 0..<trace.layers[i].delta.cols { add(.delta, i + 1, [j], trace.layers[i].delta[0, j]) }
        }
        for i in stride(from: count - 1, through: 0, by: -1) {
            let t = trace.layers[i]
            for j in 0..<t.weightGradient.rows {
                for k in 0..<t.weightGradient.cols { add(.dW, i + 1, [j, k], t.weightGradient[j, k]) }
            }
            for j in t.biasGradient.indices { add(.db, i + 1, [j], t.biasGradient[j]) }
        }
        for (i, t) in trace.layers.enumerated() {
            for j in 0..<t.updatedWeights.rows {
                for k in 0..<t.updatedWeights.cols { add(.newW, i + 1, [j, k], t.updatedWeights[j, k]) }
            }
            for j in t.updatedBiases.indices { add(.newB, i + 1, [j], t.updatedBiases[j]) }
        }
        return out
    }
}

/// Why an exercise cannot be set: the message names the option.
public struct ExerciseError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
