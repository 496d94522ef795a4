import Foundation
import Testing
@testable import Backprop

/// L1, input features, the regression sets and the data seed: each against a reference worked
/// out in the test.
@Suite("L1, input features, regression sets, data seed")
struct RegularizationAndFeatureTests {
    /// One layer W = [[0.5, −1, 0]], b = [0.25], dW = [[0.2, −0.4, 0.1]], db = [0.1].
    func network() -> Network<Double> {
        var net = Network<Double>(layers: [Dense(weights: Matrix([[0.5, -1, 0]]), biases: [0.25], activation: .identity)])
        net.layers[0].weightGradient = Matrix([[0.2, -0.4, 0.1]])
        net.layers[0].biasGradient = [0.1]
        return net
    }

    @Test("L1 adds λ₁·sign(W) to the weights' gradient (sign 0 = 0), for every optimizer; biases untouched")
    func l1EveryOptimizer() {
        let (w, g, l1, eta) = ([0.5, -1.0, 0], [0.2, -0.4, 0.1], 0.05, 0.1)
        let gp = zip(w, g).map { p, g in g + l1 * (p > 0 ? 1 : p < 0 ? -1 : 0) }     // [0.25, −0.45, 0.1]
        for kind in Optimizer<Double>.Kind.allCases {
            var net = network(), plain = network()
            var opt = Optimizer<Double>(kind, learningRate: eta, l1: l1)
            var reference = Optimizer<Double>(kind, learningRate: eta)
            opt.step(&net)
            // The same optimizer without L1, on the gradient with the L1 term added by hand.
            plain.layers[0].weightGradient = Matrix([gp])
            reference.step(&plain)
            for i in 0..<3 { #expect(abs(net.layers[0].weights.storage[i] - plain.layers[0].weights.storage[i]) < 1e-15, "\(kind) W[\(i)]") }
            #expect(net.layers[0].biases == plain.layers[0].biases, "\(kind): L1 leaves biases alone")
            #expect(!opt.isPlainGradientDescent)
        }
    }

    @Test("L1 in a plan reaches the optimizer, and a checkpoint keeps it")
    func l1Plan() throws {
        var plan = TrainingPlan(data: "xor")
        plan.l1 = 0.01
        #expect(plan.arguments.contains("--l1"))
        let run = try TrainingRun<Float>(plan: plan)
        #expect(run.optimizer.l1 == 0.01)
        let back = try Checkpoint<Float>(text: run.checkpoint.json.serialized())
        #expect(back.optimizer.l1 == 0.01)
        plan.l1 = -1
        #expect(throws: PlanError(.l1, "must be 0 or more (got -1.0)")) { try plan.validate() }
    }

    @Test("input features: each value, and the map of raw rows")
    func featureValues() throws {
        let raw = Matrix<Double>([[2, 3], [-1, 0.5]])
        let x = InputFeature.map(InputFeature.allCases, raw)
        #expect(x.nested[0] == [2, 3, 4, 9, 6, sin(2), sin(3)])
        #expect(x.nested[1] == [-1, 0.5, 1, 0.25, -0.5, sin(-1), sin(0.5)])
        #expect(throws: PlanError.self) { try InputFeature.list("x1,x3") }
        #expect(try InputFeature.list("x1sq, x2sq") == [.x1sq, .x2sq])
    }

    @Test("features: trained on, saved in the model, applied by predict to raw inputs")
    func featuresInModel() throws {
        var plan = TrainingPlan(data: "circles")
        (plan.features, plan.layers, plan.epochs, plan.samples) = ([.x1sq, .x2sq], [2, 2], 3, 100)
        var run = try TrainingRun<Float>(plan: plan)
        run.run()
        let model = run.model
        #expect(model.features == [.x1sq, .x2sq] && model.inputSize == 2)
        let back = try ModelFile<Float>(text: model.text)
        #expect(back.features == [.x1sq, .x2sq])
        // predict(raw) = the network on the scaled features, as the run saw them.
        let raw = run.rawTrainInputs
        #expect(back.predict(raw) == run.network.predict(run.train.x))
        #expect(raw.cols == 2 && run.train.x.cols == 2)
        // A feature map needs 2-D data; a model file's features must fit its network.
        var bad = TrainingPlan(data: "xor")
        bad.features = [.x1, .x1]
        #expect(throws: PlanError(.features, "names x1 twice")) { try bad.validate() }
        var text = model.text.replacingOccurrences(of: "\"x2sq\"", with: "\"x1x2\", \"x2\"")
        #expect(throws: ModelFileError.self) { try ModelFile<Float>(text: text) }
        text = model.text.replacingOccurrences(of: "\"x2sq\"", with: "\"x9\"")
        #expect(throws: ModelFileError.invalid(place: "features[1]", message: "unknown feature \"x9\"; expected one of x1, x2, x1sq, x2sq, x1x2, sin_x1, sin_x2")) {
            try ModelFile<Float>(text: text)
        }
    }

    @Test("plane and multi-gaussian are regression sets with targets in −1…1, as defined")
    func regressionSets() {
        let plane = ToySets.make(.plane, count: 200, noise: 0, seed: 3, as: Double.self)
        #expect(!plane.isClassification && plane.outputs == 1)
        for r in 0..<plane.count { #expect(abs(plane.y[r, 0] - (plane.x[r, 0] + plane.x[r, 1]) / 10) < 1e-12) }
        let multi = ToySets.make(.multiGaussian, count: 400, noise: 0.2, seed: 3, as: Double.self)
        let targets = (0..<multi.count).map { multi.y[$0, 0] }
        #expect(targets.allSatisfy { abs($0) <= 1.01 } && targets.contains { $0 > 0.5 } && targets.contains { $0 < -0.5 })
        // At a centre the target is about its sign (the other centres add a little).
        let top = ToySets.gaussianCentres.reduce(0.0) { s, c in s + c.sign * exp(-(pow(-3.5 - c.x, 2) + pow(2.5 - c.y, 2)) / 4) }
        #expect(abs(top - 1) < 0.1)
    }

    @Test("a data seed keeps the data and splits while the seed changes the weights")
    func dataSeed() throws {
        var a = TrainingPlan(data: "spiral"), b = a
        (a.testSplit, b.testSplit) = (0.5, 0.5)
        (a.seed, b.seed, a.dataSeed, b.dataSeed) = (1, 2, 7, 7)
        let (ra, rb) = (try TrainingRun<Float>(plan: a), try TrainingRun<Float>(plan: b))
        #expect(ra.rawTrainInputs == rb.rawTrainInputs && ra.rawTestInputs == rb.rawTestInputs)
        #expect(ra.network.layers[0].weights != rb.network.layers[0].weights)
        // Without a data seed, the seed is the data's: the run is what it always was.
        var c = TrainingPlan(data: "spiral"), d = c
        d.dataSeed = 1
        #expect(try TrainingRun<Float>(plan: c).rawTrainInputs == TrainingRun<Float>(plan: d).rawTrainInputs)
        c.dataSeed = 2
        #expect(try TrainingRun<Float>(plan: c).rawTrainInputs != TrainingRun<Float>(plan: d).rawTrainInputs)
    }
}

