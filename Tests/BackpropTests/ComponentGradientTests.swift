import Foundation
import Testing
@testable import Backprop

/// Finite-difference checks of each activation's and each loss's derivative, in Double.
///
/// Central differences with h = 1e-6 have truncation error ~h²·|f'''| ≈ 1e-12 and rounding error
/// ~ε/h ≈ 1e-10, so derivatives of O(1) functions agree to 1e-8.
@Suite("Activation and loss derivatives against finite differences")
struct ComponentGradientTests {
    static let points: [Double] = [-3, -1.2, -0.3, 0.2, 0.7, 2.5]

    static let elementwise = Activation.allCases.filter(\.isElementwise)

    @Test("σ'(z) matches (σ(z+h) − σ(z−h)) / 2h", arguments: elementwise)
    func activation(_ act: Activation) {
        let h = 1e-6
        for z in Self.points {
            let numeric = (act.value(z + h) - act.value(z - h)) / (2 * h)
            let analytic = act.derivative(z: z, a: act.value(z))
            #expect(abs(analytic - numeric) < 1e-8, "\(act) at z = \(z)")
        }
    }

    @Test("the buffer kernels compute value and derivative", arguments: elementwise)
    func kernels(_ act: Activation) {
        let z: [Double] = Self.points
        var a = [Double](repeating: 0, count: z.count)
        var delta = a
        let g: [Double] = [0.5, -1, 2, 0.25, -0.75, 1.5]
        z.withUnsafeBufferPointer { pz in a.withUnsafeMutableBufferPointer { act.forward(z: pz, a: $0, cols: 3) } }
        #expect(a == z.map { act.value($0) })
        z.withUnsafeBufferPointer { pz in
            a.withUnsafeBufferPointer { pa in
                g.withUnsafeBufferPointer { pg in
                    delta.withUnsafeMutableBufferPointer { act.backward(z: pz, a: pa, outputGradient: pg, delta: $0, cols: 3) }
                }
            }
        }
        #expect(delta == (0..<z.count).map { g[$0] * act.derivative(z: z[$0], a: a[$0]) })
    }

    @Test("softmax: rows sum to 1, survive huge z, and backward is the Jacobian-vector product")
    func softmax() {
        let z: [Double] = [1, 2, 3, 1000, 1001, 999]          // two samples of 3
        var a = [Double](repeating: 0, count: 6)
        z.withUnsafeBufferPointer { pz in a.withUnsafeMutableBufferPointer { Activation.softmax.forward(z: pz, a: $0, cols: 3) } }
        #expect(abs(a[0..<3].reduce(0, +) - 1) < 1e-15 && abs(a[3..<6].reduce(0, +) - 1) < 1e-15)
        #expect(abs(a[2] - exp(3) / (exp(1) + exp(2) + exp(3))) < 1e-15)
        #expect(a.allSatisfy { $0.isFinite })
        // δ_i = Σ_j g_j da_j/dz_i, with da_j/dz_i by finite differences of the forward pass.
        let g: [Double] = [0.3, -1, 0.5, 2, 0.1, -0.4]
        var delta = a
        z.withUnsafeBufferPointer { pz in a.withUnsafeBufferPointer { pa in g.withUnsafeBufferPointer { pg in
            delta.withUnsafeMutableBufferPointer { Activation.softmax.backward(z: pz, a: pa, outputGradient: pg, delta: $0, cols: 3) }
        } } }
        let h = 1e-6
        for i in 0..<6 {
            func dot(_ shift: Double) -> Double {
                var zs = z; zs[i] += shift
                var out = [Double](repeating: 0, count: 6)
                zs.withUnsafeBufferPointer { pz in out.withUnsafeMutableBufferPointer { Activation.softmax.forward(z: pz, a: $0, cols: 3) } }
                return zip(out, g).map(*).reduce(0, +)
            }
            #expect(abs(delta[i] - (dot(h) - dot(-h)) / (2 * h)) < 1e-8, "δ[\(i)]")
        }
    }

    @Test("fused losses from logits equal the loss of σ(z), and stay finite for huge z")
    func fusedValues() {
        let z: [Double] = [0.3, -1.2, 2.0], y: [Double] = [0.2, 0.5, 0.3]
        var a = z
        z.withUnsafeBufferPointer { pz in a.withUnsafeMutableBufferPointer { Activation.softmax.forward(z: pz, a: $0, cols: 3) } }
        let ce = z.withUnsafeBufferPointer { pz in y.withUnsafeBufferPointer { Loss.softmaxCrossEntropy.fusedValue(z: pz, y: $0, range: 0..<3) } }
        #expect(abs(ce - zip(a, y).map { Loss.softmaxCrossEntropy.value(a: $0, y: $1) }.reduce(0, +)) < 1e-14)
        let bce = z.withUnsafeBufferPointer { pz in y.withUnsafeBufferPointer { Loss.binaryCrossEntropy.fusedValue(z: pz, y: $0, range: 0..<3) } }
        let expected = zip(z, y).map { Loss.binaryCrossEntropy.value(a: Activation.sigmoid.value($0), y: $1) }.reduce(0, +)
        #expect(abs(bce - expected) < 1e-14)
        let huge: [Float] = [500, -500], target: [Float] = [0, 1]
        let big = huge.withUnsafeBufferPointer { pz in target.withUnsafeBufferPointer { Loss.binaryCrossEntropy.fusedValue(z: pz, y: $0, range: 0..<2) } }
        #expect(big == 1000)
    }

    @Test("dLoss/da matches finite differences", arguments: Loss.allCases)
    func loss(_ loss: Loss) {
        let h = 1e-6
        for (a, y) in [(0.3, 0.0), (0.8, 1.0), (0.45, 0.7), (0.05, 0.99)] {
            let numeric = (loss.value(a: a + h, y: y) - loss.value(a: a - h, y: y)) / (2 * h)
            #expect(abs(loss.gradient(a: a, y: y) - numeric) < 1e-7 * max(1, abs(numeric)), "\(loss) a \(a) y \(y)")
        }
    }

    @Test("the tutorial's values: σ'(0) = 0.25, ½SE(0.75, 1) = 0.03125")
    func knownValues() {
        #expect(Activation.sigmoid.value(0.0) == 0.5)
        #expect(Activation.sigmoid.derivative(z: 0.0, a: 0.5) == 0.25)
        #expect(Loss.squaredError.value(a: 0.75, y: 1.0) == 0.03125)
        #expect(Loss.squaredError.gradient(a: 0.75, y: 1.0) == -0.25)
    }

    @Test("binary cross-entropy of a saturated output stays finite")
    func bceClamp() {
        #expect(Loss.binaryCrossEntropy.value(a: Float(1), y: 0).isFinite)
        #expect(Loss.binaryCrossEntropy.gradient(a: Float(0), y: 1).isFinite)
    }
}

@Suite("Whole-network gradient checks")
struct NetworkGradientTests {
    static let combinations: [(Activation, Activation, Loss, Reduction)] =
        Activation.allCases.flatMap { hidden in Activation.allCases.flatMap { output in
            Loss.allCases.flatMap { loss in Reduction.allCases.compactMap { r in
                loss.problem(outputActivation: output, outputs: 2) == nil ? (hidden, output, loss, r) : nil
            } } } }

    @Test("every hidden activation × output activation × loss × reduction: error < 1e-6")
    func allCombinations() {
        // 6 × 6 with squared error, 6 with each cross-entropy; × 2 reductions.
        #expect(Self.combinations.count == 96)
        for (hidden, output, loss, reduction) in Self.combinations {
            let net = Network<Double>(sizes: [3, 4, 3, 2], activation: hidden, output: output,
                                      loss: loss, reduction: reduction, seed: 3)
            var rng = SeededGenerator(seed: 4)
            let x: Matrix<Double> = randomMatrix(5, 3, &rng)
            var y = Matrix(rows: 5, cols: 2, storage: (0..<10).map { _ in rng.uniform() })
            if loss == .softmaxCrossEntropy { y = y.rowsNormalized }
            let check = GradientCheck.run(network: net, input: x, target: y)
            #expect(check.tensors.count == 6)
            #expect(check.worst.maxRelativeError < 1e-6, "\(hidden)/\(output) \(loss) \(reduction): \(check.worst.worstName)")
        }
    }

    @Test("softmax cross-entropy with targets that do not sum to 1 still has exact gradients")
    func softTargets() {
        let net = Network<Double>(sizes: [3, 4, 3], activation: .tanh, output: .softmax, loss: .softmaxCrossEntropy, seed: 5)
        var rng = SeededGenerator(seed: 6)
        let x: Matrix<Double> = randomMatrix(4, 3, &rng)
        let y = Matrix(rows: 4, cols: 3, storage: (0..<12).map { _ in rng.uniform() })
        #expect(GradientCheck.run(network: net, input: x, target: y).worst.maxRelativeError < 1e-6)
    }

    @Test("a ReLU sitting on its kink is left out and counted, not reported as an error")
    func kinks() {
        // Hidden neuron 0 gets z = 0 exactly for the first sample (x = 0, bias 0).
        let net = Network<Double>(layers: [
            Dense(weights: Matrix([[0.5, -0.3], [0.2, 0.4]]), biases: [0, 0.1], activation: .relu),
            Dense(weights: Matrix([[0.7, -0.6]]), biases: [0.05], activation: .identity),
        ])
        let x = Matrix<Double>([[0, 0], [0.5, 0.25]]), y = Matrix<Double>([[1], [0]])
        let check = GradientCheck.run(network: net, input: x, target: y)
        #expect(check.kinkCrossings > 0)
        #expect(check.worst.maxRelativeError < 1e-6)
    }

    @Test("the check notices a wrong gradient and names it")
    func detectsWrongGradient() {
        let net = Network<Double>(sizes: [2, 3, 1], activation: .tanh, seed: 1)
        var rng = SeededGenerator(seed: 2)
        let x: Matrix<Double> = randomMatrix(4, 2, &rng)
        let y = Matrix(rows: 4, cols: 1, storage: (0..<4).map { _ in rng.uniform() })
        var analytic = net
        analytic.forward(x)
        _ = analytic.computeLoss(target: y)
        analytic.backward(input: x)
        analytic.layers[1].weightGradient[0, 2] *= 1.001     // a 0.1% mistake in one number
        let check = GradientCheck.compare(gradientsOf: analytic, network: net, input: x, target: y,
                                          step: 1e-4, floor: 1e-6)
        #expect(check.worst.worstName == "layer 2 W[0][2]")
        #expect(check.worst.maxRelativeError > 5e-4)
        #expect(check.tensors[0].maxRelativeError < 1e-6)
    }

    @Test("weights too large for finite differences: those parameters are left out (unresolved), a wrong gradient still fails")
    func rounding() {
        // 2-2-1 identity; W¹[0][0] = 10¹²: p ± h loses 4 of its digits, and the loss is ~10²⁴.
        let net = Network<Double>(layers: [
            Dense(weights: Matrix([[1e12, 0.35], [0.67, 0.91]]), biases: [0.9, 0.7], activation: .identity),
            Dense(weights: Matrix([[0.12, -0.24]]), biases: [-0.03], activation: .identity),
        ])
        let x = Matrix<Double>([[0.3, 0.6], [0.9, 0.1]]), y = Matrix<Double>([[1], [0]])
        let check = GradientCheck.run(network: net, input: x, target: y)
        #expect(check.unresolved > 0 && check.compared + check.unresolved + check.kinkCrossings == 9)
        #expect(check.worst.maxRelativeError < 1e-6, "the parameters compared agree")
        var analytic = net
        analytic.forward(x)
        _ = analytic.computeLoss(target: y)
        analytic.backward(input: x)
        analytic.layers[1].weightGradient[0, 0] *= 2           // wrong by a factor of 2: far above any rounding
        let wrong = GradientCheck.compare(gradientsOf: analytic, network: net, input: x, target: y, step: 1e-3, floor: 1e-5)
        #expect(wrong.worst.worstName == "layer 2 W[0][0]" && wrong.worst.maxRelativeError > 0.4)
        // Ordinary networks leave nothing out, and their rounding is far below the tolerance.
        let usual = GradientCheck.run(network: Network<Double>(sizes: [2, 3, 1], activation: .tanh, seed: 1), input: x, target: y)
        #expect(usual.unresolved == 0 && usual.tensors.allSatisfy { $0.rounding < 1e-8 })
    }
}
