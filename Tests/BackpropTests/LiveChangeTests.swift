import Testing
@testable import Backprop

/// Changing η, λ, λ₁ and the batch size mid-run: applied at an epoch boundary, and the same as
/// resuming that epoch's checkpoint with the new settings (what the playground's export does).
@Suite("Live changes: η, λ, λ₁, batch mid-run")
struct LiveChangeTests {
    func plan() -> TrainingPlan {
        var p = TrainingPlan(data: "spiral")
        (p.samples, p.layers, p.activations, p.optimizer, p.learningRate, p.batch, p.testSplit) =
            (120, [2, 6, 2], [.tanh], .adam, 0.03, 10, 0.5)
        return p
    }

    @Test("a change between epochs = resuming that epoch's checkpoint with the new options, bit for bit",
          arguments: [TrainingRun<Float>.Change(learningRate: 0.1), .init(weightDecay: 0.01, l1: 0.001), .init(batch: 7),
                      .init(learningRate: 0.003, weightDecay: 0.001, l1: 0.01, batch: 25), .init(dropout: 0.3)])
    func sameAsResume(change: TrainingRun<Float>.Change) throws {
        var p = plan()
        p.epochs = 5
        var live = try TrainingRun<Float>(plan: p)
        live.trainEpochs(2)
        let checkpoint = live.checkpoint
        try live.change(change)
        #expect(live.pendingChange == nil)
        live.trainEpochs(3)
        var resumed = try TrainingRun<Float>(plan: change.applied(to: p), resumingFrom: checkpoint)
        resumed.trainEpochs(3)
        #expect(live.epochsDone == 5 && resumed.epochsDone == 5)
        for l in 0..<2 {
            #expect(live.network.layers[l].weights == resumed.network.layers[l].weights)
            #expect(live.network.layers[l].biases == resumed.network.layers[l].biases)
        }
        #expect(live.plan == resumed.plan)
        #expect(live.optimizer.firstMoments == resumed.optimizer.firstMoments)
    }

    @Test("a change mid-epoch waits for the epoch's end; two changes merge; a bad one is refused by name")
    func pending() throws {
        var run = try TrainingRun<Float>(plan: plan())
        run.step()
        try run.change(.init(learningRate: 0.2))
        try run.change(.init(batch: 4))
        #expect(run.pendingChange == .init(learningRate: 0.2, batch: 4))
        #expect(run.learningRate == 0.03 && run.batchesPerEpoch == 6)
        run.trainEpochs(1)
        #expect(run.pendingChange == nil && run.learningRate == 0.2 && run.batchesPerEpoch == 15 && run.plan?.batch == 4)
        #expect(throws: PlanError(.batch, "must be ≥ 1 (got 0)")) { try run.change(.init(batch: 0)) }
        #expect(throws: PlanError.self) { try run.change(.init(learningRate: -1)) }
        #expect(run.plan?.batch == 4)
    }

    @Test("a weight set by hand is the network's; a bad index or value is refused")
    func edit() throws {
        var run = try TrainingRun<Float>(plan: plan())
        let set = [run.setParameter(layer: 2, neuron: 1, from: 3, to: 0.5), run.setParameter(layer: 1, neuron: 0, from: nil, to: -2),
                   run.setParameter(layer: 3, neuron: 0, from: 0, to: 1), run.setParameter(layer: 2, neuron: 0, from: 6, to: 1),
                   run.setParameter(layer: 1, neuron: 0, from: 0, to: .nan)]
        #expect(set == [true, true, false, false, false])
        #expect(run.network.layers[1].weights[1, 3] == 0.5 && run.network.layers[0].biases[0] == -2)
    }
}
