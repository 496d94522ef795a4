import Testing
@testable import Backprop

/// The numbers of Matt Mazur's "A Step by Step Backpropagation Example" (2015), computed there by
/// hand to 9 digits: 2-2-2 sigmoid network, x = (0.05, 0.10), y = (0.01, 0.99), η = 0.5.
@Suite("explain against the hand-computed step-by-step example")
struct ExplainTests {
    let trace = StepTrace.record(network: stepByStepNetwork(), input: Matrix([[0.05, 0.10]]),
                                 target: Matrix([[0.01, 0.99]]), learningRate: 0.5)

    /// Within half a unit of the published numbers' last digit (they give 8 or 9 decimals).
    func close(_ x: Double, _ published: Double, _ within: Double = 5e-9) -> Bool { abs(x - published) <= within }

    @Test("forward: z and a of each layer, and the loss")
    func forward() {
        #expect(close(trace.layers[0].z[0, 0], 0.3775))
        #expect(close(trace.layers[0].a[0, 0], 0.593269992))
        #expect(close(trace.layers[0].a[0, 1], 0.596884378))
        #expect(close(trace.layers[1].z[0, 0], 1.105905967))
        #expect(close(trace.layers[1].a[0, 0], 0.75136507))
        #expect(close(trace.layers[1].a[0, 1], 0.772928465))
        #expect(close(trace.lossBefore, 0.298371109))
    }

    @Test("output layer: dLoss/da, σ'(z), δ and dW for w5")
    func outputLayer() {
        let out = trace.layers[1]
        #expect(close(out.outputGradient[0, 0], 0.74136507))
        #expect(close(out.activationDerivative?[0, 0] ?? .nan, 0.186815602))
        #expect(close(out.delta[0, 0], 0.74136507 * 0.186815602, 1e-9))
        #expect(close(out.weightGradient[0, 0], 0.082167041))      // dE/dw5
        #expect(out.input == trace.layers[0].a)                     // dz/dW = a_prev
    }

    @Test("hidden layer: dLoss/da = Wᵀδ and dW for w1")
    func hiddenLayer() {
        let hidden = trace.layers[0]
        #expect(close(hidden.outputGradient[0, 0], 0.036350306))   // dE_total/dout_h1
        #expect(close(hidden.activationDerivative?[0, 0] ?? .nan, 0.241300709))
        #expect(close(hidden.weightGradient[0, 0], 0.000438568))   // dE/dw1
    }

    @Test("the updated weights w1…w8")
    func updatedWeights() {
        let w1 = trace.layers[0].updatedWeights, w2 = trace.layers[1].updatedWeights
        #expect(close(w2[0, 0], 0.35891648))
        #expect(close(w2[0, 1], 0.408666186))
        #expect(close(w2[1, 0], 0.511301270))
        #expect(close(w2[1, 1], 0.561370121))
        #expect(close(w1[0, 0], 0.149780716))
        #expect(close(w1[0, 1], 0.19956143))
        #expect(close(w1[1, 0], 0.24975114))
        #expect(close(w1[1, 1], 0.29950229))
    }

    @Test("biases move by η·δ, and the loss falls")
    func biasesAndLossAfter() {
        for layer in trace.layers {
            for j in layer.biases.indices {
                #expect(abs(layer.updatedBiases[j] - (layer.biases[j] - 0.5 * layer.delta[0, j])) < 1e-15)
            }
        }
        #expect(trace.lossAfter < trace.lossBefore)
        #expect(trace.lossAfter == trace.updated.lossValue(trace.input, trace.target))
    }

    @Test("the JSON holds every number with full precision")
    func json() throws {
        let json = trace.json
        let layer2 = try #require(json["layers"]?[1])
        #expect(layer2["dW"]?[0]?[0]?.double == trace.layers[1].weightGradient[0, 0])
        #expect(layer2["updated_weights"]?[1]?[1]?.double == trace.layers[1].updatedWeights[1, 1])
        #expect(json["loss"]?.double == trace.lossBefore)
        for key in ["z", "a", "dloss_da", "da_dz", "delta", "dz_dw", "dW", "db", "updated_biases", "a_prev"] {
            #expect(layer2[key] != nil, "missing \(key)")
        }
    }
}
