import Foundation
import Testing
@testable import Backprop

/// `StepTrace.record` with an optimizer: the recorded update is the optimizer's own, and the
/// rule's shown numbers (g', v, m, v, m̂, v̂) add up to it.
@Suite("explain's update: every optimizer and regulariser, recorded")
struct StepTraceOptimizerTests {
    let x = Matrix<Double>([[0.05, 0.1], [0.3, -0.2]]), y = Matrix<Double>([[0.01, 0.99], [1, 0]])

    /// An optimizer with state: two steps taken on the same network and batch.
    func warmed(_ kind: Optimizer<Double>.Kind, decay: Double, l1: Double) -> Optimizer<Double> {
        var net = stepByStepNetwork()
        var o = Optimizer<Double>(kind, learningRate: 0.3, weightDecay: decay, l1: l1)
        for _ in 0..<2 { _ = net.trainStep(x, y, optimizer: &o) }
        return o
    }

    @Test("updated = the optimizer's step, and each rule's numbers give it", arguments: Optimizer<Double>.Kind.allCases)
    func recorded(kind: Optimizer<Double>.Kind) throws {
        var negatives = 0
        for (decay, l1) in [(0.0, 0.0), (0.1, 0.0), (0.0, 0.05), (0.1, 0.05)] {
            let optimizer = warmed(kind, decay: decay, l1: l1)
            let trace = StepTrace.record(network: stepByStepNetwork(), input: x, target: y, optimizer: optimizer)
            // Reference: the same step, by hand with the library's calls.
            var net = stepByStepNetwork(), o = optimizer
            _ = net.trainStep(x, y, optimizer: &o)
            #expect(trace.updated.layers[1].weights == net.layers[1].weights && trace.updated.layers[0].biases == net.layers[0].biases)
            for (l, j, k) in [(2, 0, Optional(1)), (1, 1, nil), (1, 0, Optional(0))] {
                let c = try #require(trace.chain(layer: l, neuron: j, from: k))
                let u = c.update
                #expect(u.updated == c.updated && u.value == c.value && u.gradient == c.gradient)
                let sign: Double = c.value > 0 ? 1 : c.value < 0 ? -1 : 0
                let (lambda, lambda1) = k == nil ? (0.0, 0.0) : (decay, l1)
                #expect(u.regularizedGradient == c.gradient + (kind == .adam ? 0 : lambda * c.value) + lambda1 * sign)
                let expected: Double
                switch kind {
                case .sgd: expected = c.value - 0.3 * u.regularizedGradient
                case .momentum, .nesterov:
                    let v = try #require(u.firstAfter)
                    #expect(abs(v - (0.9 * u.firstBefore! + u.regularizedGradient)) < 1e-15)
                    expected = c.value - 0.3 * (kind == .momentum ? v : u.regularizedGradient + 0.9 * v)
                case .adam:
                    #expect(u.step == 3)
                    let (mh, vh) = (try #require(u.firstCorrected), try #require(u.secondCorrected))
                    expected = (1 - 0.3 * lambda) * c.value - 0.3 * mh / (vh.squareRoot() + 1e-8)
                }
                #expect(abs(expected - c.updated) <= 1e-14 * max(1, abs(c.updated)), "\(kind) λ \(decay) λ₁ \(l1) \(c.name)")
                #expect(c.text.contains("= \(String(format: "%.6g", c.updated))"))
                // A negative number after an operator is in parentheses: "− 0.3 × (-0.03)", never "× -0.03".
                #expect(c.text.range(of: #"[×+·−] ?-[0-9]"#, options: .regularExpression) == nil, "\(c.text)")
                negatives += c.text.components(separatedBy: "(-").count - 1
            }
        }
        #expect(negatives > 0, "some shown factor is negative, so the parentheses were checked")
    }

    @Test("softmax: δ = a − y shown directly, no per-neuron dLoss/da; ÷ B for the mean")
    func softmax() throws {
        var net = stepByStepNetwork()
        net.layers[1].activation = .softmax
        net.loss = .softmaxCrossEntropy
        net.reduction = .mean
        let trace = StepTrace.record(network: net, input: x, target: y, learningRate: 0.5)
        let c = try #require(trace.chain(layer: 2, neuron: 0, from: 1))
        for (s, sample) in c.samples.enumerated() {
            #expect(sample.lossGradient == nil && sample.activationDerivative == nil)
            #expect(abs(sample.delta - (sample.a - y[s, 0]) / 2) < 1e-15)
        }
        #expect(c.deltaRule.contains("a − y, directly"))
        #expect(c.json["samples"]?.array?[0]["dloss_da"] == .null)
        #expect(!c.text.contains("dLoss/da ="))
    }
}
