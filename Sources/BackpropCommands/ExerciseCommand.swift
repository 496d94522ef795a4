import ArgumentParser
import Backprop
import Foundation

struct ExerciseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exercise",
        abstract: "Compute one training step by hand: backprop asks, checks, and names the mistake.",
        discussion: """
            A small network and a sample are drawn from --seed (or read with --model, --input, \
            --target). The questions follow the pass: z and a of every layer, the loss, δ of the \
            output layer, the hidden δ, dW and db, and the updated W and b. Answers within 0.2% \
            are right (4 significant digits are enough). A wrong answer is compared with the \
            usual wrong formulas (δ multiplied by a_prev, σ' forgotten, the updated W used, …), \
            and the right computation is shown with its numbers.

            Type a number, ? to see the answer, or q to stop. Exit status: 0 when every answer \
            is right, 2 otherwise, 1 when the answers are not text (a binary file piped in).

            Examples:
              backprop exercise --seed 7      # in the terminal; exits 2 unless all right
              backprop exercise --steps delta,gradient --layers 2,3,1   # exits 2 …
              backprop exercise --seed 7 --json > sheet.json
              backprop exercise --seed 7 --answers examples/answers-7.json  # exits 2
              backprop exercise --seed 7 --worksheet sheet.html --key
              backprop exercise --model examples/step-by-step.json \\
                  --input 0.05,0.1 --target 0.01,0.99 --json
            """
    )

    @Option(parsing: .unconditional, help: "Seed of the network and the sample (without --model).")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Layer sizes, inputs to outputs: 2 to 6 layers of 1 to 6 neurons.")
    var layers: String = "2,2,1"

    @Option(help: "Activation of every layer (the output's comes from --loss for the cross-entropies).")
    var activation: Activation = .sigmoid

    @Option(help: "squared-error (½ Σ (a − y)²), binary-cross-entropy (sigmoid output) or softmax-cross-entropy (softmax output).")
    var loss: Loss = .squaredError

    @Option(parsing: .unconditional, help: "Which questions, in the order of the pass: forward (z, a), loss, delta, gradient (dW, db), update (new W, b).")
    var steps: String = "forward,loss,delta,gradient,update"

    @Option(help: "A model file instead of a drawn network (with --input and --target).")
    var model: String?

    @Option(parsing: .unconditional, help: "The sample's inputs to the network, comma-separated (with --model; after its features and scaling).")
    var input: String?

    @Option(parsing: .unconditional, help: "The sample's targets, comma-separated (with --model).")
    var target: String?

    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Learning rate η of the update.")
    var learningRate: Double = 0.5

    @Flag(help: "Print the worksheet (model, input, target, lr, questions) as JSON; with --answers, the results.")
    var json = false

    @Option(help: ArgumentHelp("Grade these answers at once: a JSON object {\"<id>\": number}.", valueName: "answers.json"))
    var answers: String?

    @Option(help: ArgumentHelp("Write a printable worksheet: the network drawn and a blank per question.", valueName: "sheet.html"))
    var worksheet: String?

    @Flag(help: "With --worksheet or --json: include the answers (and, in the worksheet, their working).")
    var key = false

    func validate() throws {
        if let problem = Exercise.learningRateProblem(learningRate) { throw ValidationError(problem) }
        if let worksheet { try checkOutputName(worksheet, option: "--worksheet", extensions: ["html", "htm"], kind: "the worksheet (HTML)") }
        _ = try stepList()
        if model == nil {
            let sizes = try parseLayerSizes(layers, example: "2,2,1", maxParameters: 1_000, limit: "an exercise is done by hand")
            do { try Exercise.check(layers: sizes, activation: activation, loss: loss) } catch { throw ValidationError(error.description) }
            if input != nil || target != nil { throw ValidationError("--input and --target go with --model (without it the sample is drawn from --seed)") }
        } else if input == nil || target == nil {
            throw ValidationError("--model needs the sample too: --input 0.05,0.1 --target 0.01,0.99")
        }
        if key && worksheet == nil && !json { throw ValidationError("--key goes with --worksheet or --json") }
        if answers != nil && worksheet != nil { throw ValidationError("--answers grades; --worksheet writes a sheet: give one of them") }
    }

    /// The --steps groups.
    func stepList() throws -> [Exercise.Step] {
        try steps.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let step = Exercise.Step(rawValue: name) else {
                throw ValidationError("--steps \(steps): '\(name)' is not a step; the steps are \(Exercise.Step.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return step
        }
    }

    func run() throws {
        if let worksheet { try checkNoCollision(outputs: [("--worksheet", worksheet)], inputs: [("--model", model), ("--answers", answers)]) }
        let exercise = try makeExercise()
        if let worksheet {
            try write(Array(exercise.worksheetHTML(title: title, key: key).utf8), to: worksheet)
        } else if let answers {
            try grade(exercise, answersFile: answers)
        } else if json {
            printJSON(exercise.json(key: key))
        } else {
            try ExerciseSession(exercise: exercise, title: title).run()
        }
    }

    var title: String { model.map { "Backprop exercise: \($0)" } ?? "Backprop exercise, seed \(seed)" }

    /// The drawn or given network, sample and rate.
    func makeExercise() throws -> Exercise {
        do {
            if let model {
                let network = try readModel(model, as: Double.self).network
                return try Exercise(network: network, input: try parseNumbers(input ?? "", option: "--input"),
                                    target: try parseNumbers(target ?? "", option: "--target"), learningRate: learningRate, steps: try stepList())
            }
            let sizes = try parseLayerSizes(layers, example: "2,2,1", maxParameters: 1_000, limit: "an exercise is done by hand")
            return try Exercise.draw(seed: seed, layers: sizes, activation: activation, loss: loss, learningRate: learningRate, steps: try stepList())
        } catch let error as ExerciseError {
            throw InputError(error.description)
        }
    }

    /// Grades a file of answers: a table (or --json's results); exit 2 unless all are right.
    func grade(_ exercise: Exercise, answersFile: String) throws {
        let given: [String: Double]
        do { given = try exercise.answers(json: try readText(answersFile), file: answersFile) } catch let error as ExerciseError {
            throw InputError(error.description)
        } catch { throw InputError("--answers \(error)") }
        let grades = exercise.questions.map { q in (q, given[q.id].map { exercise.grade(q, answer: $0) } ?? Exercise.Grade(correct: false, mistake: nil)) }
        if json {
            let results: [JSON] = grades.map { q, g in
                let mistake: JSON = g.mistake.map { JSON.string($0.rawValue) } ?? .null
                return .object([("id", .string(q.id)), ("correct", .bool(g.correct)), ("mistake", mistake)])
            }
            printJSON(.object([("results", .array(results))]))
        } else {
            for (q, g) in grades {
                let answer = given[q.id].map { fmt($0, 9) } ?? "(no answer)"
                let line = "\(g.correct ? "✓" : "✗") \(padRight(q.symbol, 24)) \(padRight(answer, 14))"
                    + (g.correct ? "" : "  right: \(Exercise.full(q.answer))" + (g.mistake.map { "  — \($0.rawValue): \($0.explanation)" } ?? ""))
                print(line.trimmingCharacters(in: .whitespaces))
            }
            print("\(grades.filter(\.1.correct).count) of \(grades.count) right")
        }
        if grades.contains(where: { !$0.1.correct }) { throw ExitCode(2) }
    }
}
