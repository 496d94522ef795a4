import Foundation
import Testing
@testable import Backprop

/// `Exercise`: the right answers against a hand computation, every mistake id from its own wrong
/// formula (computed here, independently), no right answer taken for a mistake, and a seeded
/// worksheet that stays the same.
@Suite("Exercises")
struct ExerciseTests {
    /// The seed-7 exercise: 2-2-1 sigmoid, ½ squared error, η = 0.5.
    static let seven = try! Exercise.draw(seed: 7)

    /// The 2-2-1 step computed by hand from the drawn numbers, with nothing of the library but
    /// `exp` — the tutorial's formulas written out.
    struct HandStep {
        var z1: [Double], a1: [Double], z2: Double, a2: Double, loss: Double
        var d2: Double, d1: [Double], dW2: [Double], dW1: [[Double]], W2new: [Double]
        init(_ e: Exercise) {
            let W1 = e.network.layers[0].weights, b1 = e.network.layers[0].biases
            let W2 = e.network.layers[1].weights, b2 = e.network.layers[1].biases
            let x = e.input, y = e.target[0], eta = e.learningRate
            func s(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
            z1 = (0..<2).map { j in W1[j, 0] * x[0] + W1[j, 1] * x[1] + b1[j] }
            a1 = z1.map(s)
            z2 = W2[0, 0] * a1[0] + W2[0, 1] * a1[1] + b2[0]
            a2 = s(z2)
            loss = 0.5 * (a2 - y) * (a2 - y)
            d2 = (a2 - y) * a2 * (1 - a2)
            let d2 = d2, a1 = a1
            d1 = (0..<2).map { j in W2[0, j] * d2 * a1[j] * (1 - a1[j]) }
            dW2 = a1.map { d2 * $0 }
            let d1 = d1
            dW1 = (0..<2).map { j in x.map { d1[j] * $0 } }
            W2new = (0..<2).map { k in W2[0, k] - eta * d2 * a1[k] }
        }
    }

    @Test("the right answers are the tutorial's formulas by hand, in the order of the pass")
    func answers() throws {
        let e = Self.seven, h = HandStep(e)
        func answer(_ id: String) throws -> Double { try #require(e.question(id)).answer }
        #expect(e.questions.map(\.id) == ["z1[0]", "a1[0]", "z1[1]", "a1[1]", "z2[0]", "a2[0]", "loss", "delta2[0]", "delta1[0]", "delta1[1]",
                                          "dW2[0][0]", "dW2[0][1]", "db2[0]", "dW1[0][0]", "dW1[0][1]", "dW1[1][0]", "dW1[1][1]", "db1[0]", "db1[1]",
                                          "W_new1[0][0]", "W_new1[0][1]", "W_new1[1][0]", "W_new1[1][1]", "b_new1[0]", "b_new1[1]",
                                          "W_new2[0][0]", "W_new2[0][1]", "b_new2[0]"])
        let pairs: [(String, Double)] = [("z1[0]", h.z1[0]), ("a1[1]", h.a1[1]), ("z2[0]", h.z2), ("a2[0]", h.a2), ("loss", h.loss),
                                         ("delta2[0]", h.d2), ("delta1[0]", h.d1[0]), ("delta1[1]", h.d1[1]), ("dW2[0][1]", h.dW2[1]),
                                         ("db2[0]", h.d2), ("dW1[1][0]", h.dW1[1][0]), ("db1[1]", h.d1[1]), ("W_new2[0][0]", h.W2new[0])]
        for (id, value) in pairs { #expect(abs(try answer(id) - value) <= 1e-12 * max(1, abs(value)), "\(id)") }
        let q = try #require(e.question("delta2[0]"))
        #expect(q.symbol == "δ²[0]" && q.quantity == .delta && q.layer == 2 && q.index == [0])
        #expect(e.question("dW1[0][1]")?.symbol == "dLoss/dW¹[0][1]")
    }

    @Test("every mistake id comes from its own wrong formula", arguments: Mistake.allCases)
    func mistakes(_ mistake: Mistake) throws {
        let e = Self.seven, h = HandStep(e)
        let W2 = e.network.layers[1].weights, y = e.target[0], x = e.input, eta = e.learningRate
        let sigmoid = { (v: Double) in 1 / (1 + exp(-v)) }
        let (id, wrong): (String, Double) = switch mistake {
        case .deltaTimesInput: ("db2[0]", h.d2 * h.a1[0])                                    // db = δ·a_prev
        case .updatedWeightsUsed: ("delta1[0]", h.W2new[0] * h.d2 * h.a1[0] * (1 - h.a1[0]))   // W² after its update
        case .forgotDerivative: ("delta2[0]", h.a2 - y)                                      // no σ'
        case .derivativeOfOutput: ("delta2[0]", (h.a2 - y) * sigmoid(h.a2) * (1 - sigmoid(h.a2)))   // σ'(a)
        case .wrongSign: ("W_new2[0][1]", W2[0, 1] + eta * h.dW2[1])                         // W + η dW
        case .missingFactor: ("loss", (h.a2 - y) * (h.a2 - y))                               // no ½
        case .transposed: ("dW1[0][1]", h.dW1[1][0])                                         // dW[k][j]
        case .wrongLayer: ("dW2[0][1]", h.d2 * x[1])                                         // a⁰ for a¹
        }
        let q = try #require(e.question(id))
        #expect(!Exercise.matches(wrong, q.answer), "the wrong formula gives the right value here")
        #expect(e.grade(q, answer: wrong) == .init(correct: false, mistake: mistake), "\(id): \(wrong)")
        // Rounded to 4 significant digits, as a learner writes it, it is still that mistake.
        #expect(e.grade(q, answer: Double(String(format: "%.4g", wrong))!) == .init(correct: false, mistake: mistake))
    }

    @Test("no right answer is taken for a mistake: exact or rounded to 4 digits, over many seeds and shapes")
    func rightAnswers() throws {
        let shapes: [([Int], Activation, Loss)] = [([2, 2, 1], .sigmoid, .squaredError), ([2, 3, 2], .tanh, .squaredError),
                                                   ([3, 2, 2, 1], .relu, .squaredError), ([2, 2, 2], .sigmoid, .binaryCrossEntropy),
                                                   ([2, 3, 3], .tanh, .softmaxCrossEntropy), ([2, 2, 1], .identity, .squaredError)]
        for seed in UInt64(0)..<25 {
            for (layers, activation, loss) in shapes {
                let e = try Exercise.draw(seed: seed, layers: layers, activation: activation, loss: loss)
                #expect(loss.targetProblem(e.target) == nil, "seed \(seed) \(layers): target \(e.target)")   // softmax: one-hot
                for q in e.questions {
                    // The working is the formula, its numbers and the value, once: no ", =" and no repeated result.
                    let (working, v) = (e.working(q), Exercise.full(q.answer))
                    #expect(!working.contains(", =") && !working.contains("= \(v) = \(v)")
                            && (working.hasSuffix("= \(v)") || working.contains("= \(v)   (σ' = ")), "seed \(seed) \(layers) \(q.id): \(working)")
                    #expect(e.grade(q, answer: q.answer) == .init(correct: true, mistake: nil), "seed \(seed) \(layers) \(q.id)")
                    let rounded = Double(String(format: "%.4g", q.answer))!
                    #expect(e.grade(q, answer: rounded).correct, "seed \(seed) \(layers) \(q.id): \(q.answer) → \(rounded)")
                    #expect(!e.grade(q, answer: q.answer + 0.01 * max(1, abs(q.answer))).correct)
                }
            }
        }
    }

    @Test("a ReLU network is never drawn with a dead layer (its δ and the gradients below it all 0), and the same seed still gives the same sheet")
    func liveLayers() throws {
        var redrawn = 0
        for seed in UInt64(0)..<40 {
            let e = try Exercise.draw(seed: seed, layers: [2, 2, 1], activation: .relu)
            #expect(e.trace.layers.allSatisfy { $0.delta.storage.contains { $0 != 0 } }, "seed \(seed)")
            #expect(try Exercise.draw(seed: seed, layers: [2, 2, 1], activation: .relu).json().serialized() == e.json().serialized())
            // The first draw takes the same numbers whatever the activation: different weights mean a second draw.
            if try Exercise.draw(seed: seed, layers: [2, 2, 1], activation: .sigmoid).network.layers[1].weights != e.network.layers[1].weights { redrawn += 1 }
        }
        #expect(redrawn > 0, "some seeds had a dead layer and were drawn again")
    }

    @Test("the same seed gives the same worksheet, and the seed-7 sheet stays as committed")
    func seededWorksheet() throws {
        let again = try Exercise.draw(seed: 7)
        #expect(again.json(key: true).serialized(pretty: true) == Self.seven.json(key: true).serialized(pretty: true))
        #expect(again.worksheetHTML(title: "seed 7") == Self.seven.worksheetHTML(title: "seed 7"))
        #expect(try Exercise.draw(seed: 8).json().serialized() != Self.seven.json().serialized())
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/exercise-seed-7.json")
        let committed = try String(contentsOf: fixture, encoding: .utf8)
        #expect(Self.seven.json(key: true).serialized(pretty: true) + "\n" == committed,
                "regenerate with: backprop exercise --seed 7 --json --key > Tests/BackpropTests/Fixtures/exercise-seed-7.json")
        let sheet = Self.seven.worksheetHTML(title: "seed 7"), key = Self.seven.worksheetHTML(title: "seed 7", key: true)
        #expect(sheet.components(separatedBy: "class=\"blank\"").count - 1 == 28 && !sheet.contains("0.802400000"))
        #expect(key.contains("z¹[0] = <span class=\"answer\">0.8024</span>") && key.contains("<svg"))
    }

    @Test("--steps picks the groups; a model's sample is checked against its sizes")
    func stepsAndModels() throws {
        let gradients = try Exercise.draw(seed: 7, steps: [.gradient])
        #expect(Set(gradients.questions.map(\.quantity)) == [.dW, .db])
        #expect(throws: ExerciseError.self) { try Exercise(network: Self.seven.network, input: [1], target: [0], learningRate: 0.5) }
        #expect(throws: ExerciseError.self) { try Exercise.draw(seed: 1, layers: [2, 40, 1]) }
        #expect(throws: ExerciseError.self) { try Exercise.draw(seed: 1, learningRate: 1e308) }
        #expect(throws: ExerciseError.self) {
            try Exercise(network: Self.seven.network, input: [1.5e308, 1.5e308], target: [0], learningRate: 0.5)   // z¹[1] overflows
        }
        #expect(throws: ExerciseError.self) {
            try Exercise(network: Self.seven.network, input: [0.5, .nan], target: [0], learningRate: 0.5)
        }
    }

    @Test("answers files: ids checked, numbers required")
    func answerFiles() throws {
        let e = Self.seven
        #expect(try e.answers(json: "{\"z1[0]\": 0.8024, \"loss\": 0.3252}", file: "a.json") == ["z1[0]": 0.8024, "loss": 0.3252])
        for (text, message) in [("{\"z9[0]\": 1}", "no question \"z9[0]\""), ("{\"loss\": \"x\"}", "is not a number"),
                                ("[1, 2]", "expected an object"), ("{", "not valid JSON"),
                                ("{\"loss\": 0.3, \"loss\": 0.5}", "\"loss\" is answered twice")] {
            #expect(throws: ExerciseError.self) { try e.answers(json: text, file: "a.json") }
            do { _ = try e.answers(json: text, file: "a.json") } catch { #expect(error.description.contains(message), "\(error)") }
        }
    }
}
