import Foundation
import Testing
@testable import Backprop

@Suite("Training plan: one place for defaults and checks")
struct TrainingPlanTests {
    static func with(_ change: (inout TrainingPlan) -> Void) -> TrainingPlan {
        var plan = TrainingPlan(data: "spiral")
        change(&plan)
        return plan
    }

    @Test("bad settings are refused by option, with the reason", arguments: [
        (Self.with { $0.batch = 0 }, "--batch must be ≥ 1 (got 0)"),
        (Self.with { $0.epochs = 0 }, "--epochs must be ≥ 1 (got 0)"),
        (Self.with { $0.threads = 1000 }, "--threads must be between 1 and 256 (got 1000)"),
        (Self.with { $0.learningRate = -1 }, "--lr must be a positive number"),
        (Self.with { $0.learningRate = .nan }, "--lr must be a positive number"),
        (Self.with { $0.stepFactor = 0 }, "--step-factor must be a positive number"),
        (Self.with { $0.stepFactor = .nan }, "--step-factor must be a positive number"),
        (Self.with { $0.minLR = -5 }, "--min-lr must be 0 or more"),
        (Self.with { $0.noise = 3 }, "--noise must be between 0 and 1"),
        (Self.with { $0.samples = Int.max }, "--samples must be at most 10000000"),
        (Self.with { $0.activations = [.relu, .tanh] }, "--activation gives 2 activations for 1 hidden layer"),
        (Self.with { $0.activations = [.softmax] }, "--activation softmax belongs to the output layer only"),
        (Self.with { $0.layers = [2, 0, 2] }, "--layers 2,0,2: expected 2 or more positive whole numbers"),
        (Self.with { $0.layers = [2, 100_000, 100_000, 2] }, "parameters; Backprop trains networks of up to"),
        (Self.with { $0.testSplit = 0.5; $0.test = "t.csv" }, "--test-split and --test both name a test set"),
        (Self.with { $0.validationSplit = 1 }, "--validation-split must be in [0, 1)"),
    ])
    func refuses(plan: TrainingPlan, message: String) {
        #expect { try plan.validate() } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("the defaults validate, and the default loss follows the output: one rule")
    func defaults() throws {
        let plan = TrainingPlan(data: "spiral")
        try plan.validate()
        #expect(plan.resolvedOutput(outputs: 2, classification: true) == .softmax)
        #expect(plan.resolvedOutput(outputs: 1, classification: true) == .sigmoid)
        #expect(plan.resolvedOutput(outputs: 1, classification: false) == .identity)
        #expect(plan.resolvedLoss(output: .softmax, classification: true) == .softmaxCrossEntropy)
        #expect(plan.resolvedLoss(output: .sigmoid, classification: true) == .binaryCrossEntropy)
        #expect(plan.resolvedLoss(output: .sigmoid, classification: false) == .squaredError)     // sigmoid regression
        #expect(plan.resolvedLoss(output: .identity, classification: false) == .squaredError)
        #expect(plan.effectiveLearningRate == 0.1)
        var adam = plan
        adam.optimizer = .adam
        #expect(adam.effectiveLearningRate == 0.001)
        let shape = try plan.resolvedNetwork(features: 2, outputs: 2, classification: true)
        #expect(shape.sizes == [2, 32, 2] && shape.activations == [.relu, .softmax] && shape.loss == .softmaxCrossEntropy)
        #expect(try plan.resolvedNetwork(features: 3, outputs: 1, classification: false).sizes == [3, 32, 1])
        #expect(throws: PlanError.self) { _ = try Self.with { $0.layers = [2, 8, 2] }.resolvedNetwork(features: 3, outputs: 2, classification: true) }
        var mismatch = plan
        (mismatch.output, mismatch.loss) = (.sigmoid, .softmaxCrossEntropy)
        #expect { _ = try mismatch.resolvedNetwork(features: 2, outputs: 2, classification: true) } throws: {
            "\($0)" == "--loss softmax-cross-entropy needs a softmax output layer, not sigmoid"
        }
    }

    @Test("a plan round-trips through JSON exactly, and a file without the newer members still reads")
    func codable() throws {
        var plan = TrainingPlan(data: "iris.csv")
        (plan.layers, plan.activations, plan.output, plan.loss) = ([4, 8, 3], [.tanh], .softmax, .softmaxCrossEntropy)
        (plan.optimizer, plan.learningRate, plan.weightDecay, plan.schedule, plan.minLR) = (.adam, 0.03, 1e-4, .cosine, 1e-5)
        (plan.batch, plan.epochs, plan.seed, plan.patience, plan.validationSplit) = (16, 40, 12_345_678_901, 5, 0.2)
        (plan.labelColumn, plan.header, plan.task, plan.scale) = ("species", .yes, .classification, .minmax)
        let back = try TrainingPlan(json: try JSON.parse(plan.json.serialized()))
        #expect(back == plan)
        let old = try TrainingPlan(json: try JSON.parse(#"{"data": "spiral", "batch": 32}"#))
        #expect(old.batch == 32 && old.epochs == TrainingPlan(data: "x").epochs)
        #expect(throws: ModelFileError.self) { _ = try TrainingPlan(json: try JSON.parse(#"{"batch": 32}"#)) }
        #expect { _ = try TrainingPlan(json: try JSON.parse(#"{"data": "spiral", "optimizer": "rmsprop"}"#)) } throws: { error in
            "\(error)".contains("training.optimizer") && "\(error)".contains("sgd, momentum, nesterov, adam")
        }
    }

    @Test("settings that would do nothing are named, not silently ignored")
    func ineffective() {
        #expect(TrainingPlan(data: "spiral").ineffective.isEmpty)
        var plan = TrainingPlan(data: "iris.csv")
        (plan.minLR, plan.samples, plan.momentum) = (0.001, 100, 0.5)
        #expect(plan.ineffective == ["--min-lr has no effect without --schedule cosine", "--momentum has no effect with --optimizer sgd",
                                     "--samples has no effect on iris.csv: it sizes a generated set"])
        var toy = TrainingPlan(data: "xor")
        toy.labelColumn = "x"
        #expect(toy.ineffective == ["--label-column has no effect on xor: it is for CSV files"])
    }

    @Test("the plan's options are only those that differ from the defaults")
    func arguments() {
        var plan = TrainingPlan(data: "spiral")
        #expect(plan.arguments == ["--data", "spiral"])
        (plan.batch, plan.learningRate, plan.layers, plan.activations) = (10, 0.03, [2, 8, 2], [.tanh])
        #expect(plan.arguments == ["--data", "spiral", "--layers", "2,8,2", "--activation", "tanh", "--lr", "0.03", "--batch", "10"])
    }
}
