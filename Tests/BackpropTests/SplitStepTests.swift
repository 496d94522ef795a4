import Testing
@testable import Backprop

/// `trainStep` runs as one split step (`Network+SplitStep.swift`): on one thread it is exactly the
/// four calls (forward, computeLoss, backward, optimizer step) in bits; on two it is
/// deterministic and within Float rounding of them, for every optimizer and loss, with 60 inputs
/// (no inputs region: fewer than 64 a part) and with 144 (an inputs region, cut 80 + 64).
@Suite struct SplitStepTests {
    /// A network big enough to split (its step's work is over 2 × `Parallel.minimumWork`), with
    /// layers whose dW is cut by neurons (60 → 80, 80 → 40) and by inputs (40 → 4: fewer than 16
    /// neurons a part). ``sgdCutByInputs()`` has a layer that plain gradient descent cuts by inputs.
    static func network(loss: Loss, inputs: Int = 60) -> Network<Float> {
        switch loss {
        case .softmaxCrossEntropy:
            return Network(sizes: [inputs, 80, 40, 4], activation: .tanh, output: .softmax, reduction: .mean, seed: 3)
        case .binaryCrossEntropy:
            return Network(sizes: [inputs, 80, 40, 4], activation: .relu, output: .sigmoid, loss: .binaryCrossEntropy, seed: 3)
        case .squaredError:
            return Network(activations: [.sigmoid, .leakyRelu, .identity], sizes: [inputs, 80, 40, 4], loss: .squaredError,
                           reduction: .mean, seed: 3)
        }
    }

    static func batch(rows: Int, inputs: Int = 60, classes: Int = 4, seed: UInt64 = 11) -> (Matrix<Float>, Matrix<Float>) {
        batch(of: Float.self, rows: rows, inputs: inputs, classes: classes, seed: seed)
    }

    /// `rows` random inputs and one-hot targets of `classes` (one-hot: every loss takes it).
    static func batch<T: Scalar>(of: T.Type, rows: Int, inputs: Int, classes: Int, seed: UInt64) -> (Matrix<T>, Matrix<T>) {
        var rng = SeededGenerator(seed: seed)
        let x: Matrix<T> = randomMatrix(rows, inputs, &rng)
        var y = Matrix<T>(rows: rows, cols: classes)
        for r in 0..<rows { y[r, Int(rng.next() % UInt64(classes))] = 1 }
        return (x, y)
    }

    /// The four calls of a step, each on its own (what `trainStep` did before the split step).
    static func fourCalls<T: Scalar>(_ net: inout Network<T>, _ x: Matrix<T>, _ y: Matrix<T>, _ opt: inout Optimizer<T>,
                                     dropout: Double = 0, seed: UInt64 = 0) -> T {
        var generator = Dropout.generator(seed: seed, step: opt.steps)
        net.forward(x, dropout: dropout, generator: &generator)
        let loss = net.computeLoss(target: y)
        if opt.isPlainGradientDescent {
            net.backward(input: x, fusedGradientDescent: opt.learningRate)
            opt.steps += 1
        } else {
            net.backward(input: x)
            opt.step(&net)
        }
        return loss
    }

    /// Three steps of `make()`'s network on `(x, y)`: one copy by the four calls, the other by a
    /// split step on 2 threads; their losses agree within `tolerance` (relative) at every step.
    static func threeStepsOnTwoThreads<T: Scalar>(_ make: () -> Network<T>, _ x: Matrix<T>, _ y: Matrix<T>,
                                                 _ optimizer: Optimizer<T>, tolerance: T) -> (reference: Network<T>, two: Network<T>) {
        var (reference, two) = (make(), make())
        var (o1, o2) = (optimizer, optimizer)
        for _ in 0..<3 {
            let expected = fourCalls(&reference, x, y, &o1)
            let both = Parallel.withThreads(2) { two.trainStep(x, y, optimizer: &o2) }
            #expect(abs(both - expected) <= tolerance * max(1, abs(expected)))
        }
        return (reference, two)
    }

    static func optimizer(_ kind: Optimizer<Float>.Kind, decay: Bool) -> Optimizer<Float> {
        Optimizer(kind, learningRate: kind == .adam ? 0.01 : 0.05, weightDecay: decay ? 0.01 : 0, l1: decay ? 0.001 : 0)
    }

    @Test(arguments: [Loss.softmaxCrossEntropy, .binaryCrossEntropy, .squaredError], Optimizer<Float>.Kind.allCases)
    func oneThreadIsTheFourCallsAndTwoAreClose(loss: Loss, kind: Optimizer<Float>.Kind) {
        for inputs in [60, 144] { oneThreadIsTheFourCallsAndTwoAreClose(loss: loss, kind: kind, inputs: inputs) }
    }

    func oneThreadIsTheFourCallsAndTwoAreClose(loss: Loss, kind: Optimizer<Float>.Kind, inputs: Int) {
        let (x, y) = Self.batch(rows: 61, inputs: inputs)                    // not a multiple of the row blocks
        for decay in [false, true] {
            var (reference, split, two) = (Self.network(loss: loss, inputs: inputs), Self.network(loss: loss, inputs: inputs),
                                           Self.network(loss: loss, inputs: inputs))
            var (o1, o2, o3) = (Self.optimizer(kind, decay: decay), Self.optimizer(kind, decay: decay), Self.optimizer(kind, decay: decay))
            #expect(Parallel.withThreads(2) { Parallel.parts(work: 61 * (inputs * 80 + 80 * 40 + 40 * 4)) } == 2, "two parts")
            for step in 0..<3 {
                let expected = Self.fourCalls(&reference, x, y, &o1)
                let one = split.trainStep(x, y, optimizer: &o2)
                let both = Parallel.withThreads(2) { two.trainStep(x, y, optimizer: &o3) }
                #expect(one == expected, "step \(step): the loss, in bits")
                #expect(abs(both - expected) <= 1e-5 * max(1, abs(expected)), "step \(step): \(both) vs \(expected)")
                #expect(two.inputPartials.rows == (inputs >= 128 ? 61 : 0), "an inputs region with \(inputs) inputs")
                if step == 0 && !o1.isPlainGradientDescent {       // from the same weights: rounding alone
                    for l in reference.layers.indices {
                        #expect(maxError(two.layers[l].weightGradient.storage, reference.layers[l].weightGradient.storage) < 1e-5)
                        #expect(maxError(two.layers[l].biasGradient, reference.layers[l].biasGradient) < 1e-5)
                    }
                }
            }
            // Adam divides by √v: where a gradient is near 0, rounding can move its update by up to
            // η (a few parameters of thousands); the others stay within Float rounding.
            func close(_ a: [Float], _ b: [Float]) -> Bool {
                let far = zip(a, b).filter { abs($0 - $1) > 1e-5 }.count
                return kind == .adam ? far * 200 <= a.count && maxError(a, b) <= 3 * 2 * 0.01 : far == 0
            }
            for l in reference.layers.indices {
                #expect(split.layers[l].weights == reference.layers[l].weights, "\(loss) \(kind): W\(l + 1) in bits")
                #expect(split.layers[l].biases == reference.layers[l].biases)
                #expect(split.layers[l].delta == reference.layers[l].delta && split.layers[l].a == reference.layers[l].a)
                #expect(close(two.layers[l].weights.storage, reference.layers[l].weights.storage), "\(loss) \(kind): W\(l + 1)")
                #expect(close(two.layers[l].biases, reference.layers[l].biases), "\(loss) \(kind): b\(l + 1)")
            }
            #expect(o2.firstMoments == o1.firstMoments && o2.secondMoments == o1.secondMoments && o2.steps == o1.steps)
            #expect(split.lossGradient == reference.lossGradient)
            if !o1.isPlainGradientDescent {
                #expect(split.layers.map(\.weightGradient) == reference.layers.map(\.weightGradient))
                #expect(split.layers.map(\.biasGradient) == reference.layers.map(\.biasGradient))
            }
        }
    }

    /// With dropout the masks are drawn before the step, in the order the four calls draw them.
    @Test(arguments: [Optimizer<Float>.Kind.sgd, .adam])
    func dropoutIsTheFourCallsWithTheSameMasks(kind: Optimizer<Float>.Kind) {
        for inputs in [60, 144] { dropoutIsTheFourCallsWithTheSameMasks(kind: kind, inputs: inputs) }
    }

    func dropoutIsTheFourCallsWithTheSameMasks(kind: Optimizer<Float>.Kind, inputs: Int) {
        let (x, y) = Self.batch(rows: 61, inputs: inputs)
        var (reference, split, two) = (Self.network(loss: .softmaxCrossEntropy, inputs: inputs),
                                       Self.network(loss: .softmaxCrossEntropy, inputs: inputs),
                                       Self.network(loss: .softmaxCrossEntropy, inputs: inputs))
        var (o1, o2, o3) = (Self.optimizer(kind, decay: false), Self.optimizer(kind, decay: false), Self.optimizer(kind, decay: false))
        for step in 0..<3 {
            let expected = Self.fourCalls(&reference, x, y, &o1, dropout: 0.3, seed: 5)
            let one = split.trainStep(x, y, optimizer: &o2, dropout: 0.3, dropoutSeed: 5)
            let both = Parallel.withThreads(2) { two.trainStep(x, y, optimizer: &o3, dropout: 0.3, dropoutSeed: 5) }
            #expect(one == expected, "step \(step): the loss, in bits")
            #expect(abs(both - expected) <= 1e-5 * max(1, abs(expected)))
        }
        for l in reference.layers.indices {
            #expect(split.layers[l].weights == reference.layers[l].weights && split.layers[l].biases == reference.layers[l].biases)
            #expect(split.layers[l].mask == reference.layers[l].mask && split.layers[l].delta == reference.layers[l].delta)
            #expect(split.layers[l].output == reference.layers[l].output)
            #expect(two.layers[l].mask == reference.layers[l].mask, "the same masks on 2 threads")
        }
        #expect(reference.layers[0].masked && !reference.layers[2].masked && split.layers[0].masked && !split.layers[2].masked)
    }

    /// A training run's step gathers its batch inside its first region (each thread its own rows,
    /// or its own inputs of every row): the same bits as gathering first and stepping, on 1 and on
    /// 2 threads, with and without an inputs region, with dropout, for batches that are not a
    /// multiple of the row blocks (one of a single row), and with the batch buffers resized.
    @Test(arguments: [1, 2], [60, 144])
    func gatheringInTheStepIsGatherThenStep(threads: Int, inputs: Int) {
        for kind in [Optimizer<Float>.Kind.sgd, .adam] { gatheringInTheStepIsGatherThenStep(threads: threads, inputs: inputs, kind: kind) }
    }

    /// (Plain gradient descent: the update fused into the first layer's sliced `dW` product.)
    func gatheringInTheStepIsGatherThenStep(threads: Int, inputs: Int, kind: Optimizer<Float>.Kind) {
        let (dataX, dataY) = Self.batch(rows: 200, inputs: inputs)
        var rng = SeededGenerator(seed: 4)
        var order = Array(0..<200)
        rng.shuffle(&order)
        var (gathered, reference) = (Self.network(loss: .softmaxCrossEntropy, inputs: inputs),
                                     Self.network(loss: .softmaxCrossEntropy, inputs: inputs))
        var (o1, o2) = (Self.optimizer(kind, decay: kind == .adam), Self.optimizer(kind, decay: kind == .adam))
        var (x, y) = (Matrix<Float>(rows: 3, cols: inputs), Matrix<Float>(rows: 3, cols: 4))     // the wrong size: resized
        var (rx, ry) = (Matrix<Float>(rows: 0, cols: inputs), Matrix<Float>(rows: 0, cols: 4))
        for (start, end) in [(0, 61), (61, 125), (125, 126), (126, 200)] {
            let indices = order[start..<end], next = order[end..<min(end + 64, 200)]
            let loss = Parallel.withThreads(threads) {
                gathered.trainStep(rows: indices, of: dataX, dataY, into: &x, &y, prefetching: next,
                                   optimizer: &o1, dropout: 0.2, dropoutSeed: 9)
            }
            rx.gatherRows(of: dataX, indices)
            ry.gatherRows(of: dataY, indices)
            let expected = Parallel.withThreads(threads) { reference.trainStep(rx, ry, optimizer: &o2, dropout: 0.2, dropoutSeed: 9) }
            #expect(loss == expected && x == rx && y == ry, "rows \(start)..<\(end)")
        }
        #expect(gathered.layers.map(\.weights) == reference.layers.map(\.weights))
        #expect(gathered.layers.map(\.biases) == reference.layers.map(\.biases))
    }

    /// Plain gradient descent cuts 128 → 32 by its inputs (8 lines of 16 a part): the same
    /// weights as the four calls, within Float rounding.
    @Test func sgdCutByInputs() {
        let (x, y) = Self.batch(rows: 50, inputs: 128, classes: 10, seed: 12)
        let make = { Network<Float>(sizes: [128, 32, 10], activation: .relu, output: .softmax, reduction: .mean, seed: 5) }
        #expect(Parallel.withThreads(2) { Parallel.parts(work: 50 * (128 * 32 + 32 * 10)) } == 2, "two parts")
        let (reference, two) = Self.threeStepsOnTwoThreads(make, x, y, Optimizer<Float>(.sgd, learningRate: 0.1), tolerance: 1e-5)
        for l in reference.layers.indices {
            #expect(maxError(two.layers[l].weights.storage, reference.layers[l].weights.storage) < 1e-5, "W\(l + 1)")
            #expect(maxError(two.layers[l].biases, reference.layers[l].biases) < 1e-5, "b\(l + 1)")
        }
        #expect(two.layers[0].weights != make().layers[0].weights, "trained")
    }

    /// A network of one layer (784 → 10, softmax): the inputs region's sums become the output's
    /// `z`, which the rows region turns into each row's softmax.
    @Test func inputsRegionOfTheOutputLayer() {
        let (x, y) = Self.batch(rows: 100, inputs: 784, classes: 10, seed: 13)
        let make = { Network<Float>(sizes: [784, 10], activation: .softmax, reduction: .mean, seed: 6) }
        let (reference, two) = Self.threeStepsOnTwoThreads(make, x, y, Optimizer<Float>(.adam, learningRate: 0.01), tolerance: 1e-5)
        #expect(two.inputPartials.rows == 100, "an inputs region")
        #expect(maxError(two.layers[0].output.storage, reference.layers[0].output.storage) < 1e-5, "the softmax of the last step")
        let far = zip(two.layers[0].weights.storage, reference.layers[0].weights.storage).filter { abs($0 - $1) > 1e-5 }.count
        #expect(far * 200 <= 7840, "W within rounding but for Adam's near-zero gradients")
    }

    /// One row on two parts (1,700 inputs: enough work to split, and not a multiple of 16): both
    /// parts sum the first layer over their inputs; the rows region's second part has no row.
    @Test func oneRowOnTwoParts() {
        var rng = SeededGenerator(seed: 14)
        let x: Matrix<Float> = randomMatrix(1, 1700, &rng)
        var y = Matrix<Float>(rows: 1, cols: 4)
        y[0, 2] = 1
        let make = { Network<Float>(sizes: [1700, 80, 4], activation: .relu, output: .softmax, reduction: .mean, seed: 8) }
        #expect(Parallel.withThreads(2) { Parallel.parts(work: 1700 * 80 + 80 * 4) } == 2, "two parts")
        let (reference, two) = Self.threeStepsOnTwoThreads(make, x, y, Optimizer<Float>(.sgd, learningRate: 0.05), tolerance: 1e-5)
        #expect(two.inputPartials.rows == 1, "an inputs region")
        for l in reference.layers.indices {
            #expect(maxError(two.layers[l].weights.storage, reference.layers[l].weights.storage) < 1e-5, "W\(l + 1)")
        }
    }

    /// In Double the inputs region's two sums agree with the four calls to Double's rounding.
    @Test func inputsRegionInDouble() {
        let (x, y) = Self.batch(of: Double.self, rows: 64, inputs: 256, classes: 10, seed: 15)
        let make = { Network<Double>(sizes: [256, 32, 10], activation: .tanh, output: .softmax, reduction: .mean, seed: 9) }
        let (reference, two) = Self.threeStepsOnTwoThreads(make, x, y, Optimizer<Double>(.adam, learningRate: 0.01), tolerance: 1e-12)
        #expect(two.inputPartials.rows == 64, "an inputs region")
        for l in reference.layers.indices {
            let far = zip(two.layers[l].weights.storage, reference.layers[l].weights.storage).filter { abs($0 - $1) > 1e-10 }.count
            #expect(far * 200 <= two.layers[l].weights.storage.count, "W\(l + 1)")
        }
    }

    @Test(arguments: [60, 144])
    func twoThreadsGiveTheSameBitsEveryTime(inputs: Int) {
        let (x, y) = Self.batch(rows: 64, inputs: inputs)
        func steps() -> Network<Float> {
            var net = Self.network(loss: .softmaxCrossEntropy, inputs: inputs)
            var adam = Self.optimizer(.adam, decay: true)
            Parallel.withThreads(2) { for _ in 0..<5 { _ = net.trainStep(x, y, optimizer: &adam) } }
            return net
        }
        let (a, b) = (steps(), steps())
        #expect(a.layers.map(\.weights) == b.layers.map(\.weights) && a.layers.map(\.biases) == b.layers.map(\.biases))
    }

    /// A hand-made checkpoint's state of the wrong sizes is made afresh, not read past its end.
    @Test func optimizerStateOfOtherSizesStartsFresh() {
        let (x, y) = Self.batch(rows: 8)
        var net = Self.network(loss: .softmaxCrossEntropy)
        var adam = Self.optimizer(.adam, decay: false)
        adam.firstMoments = [[0], [0], [0], [0], [0], [0]]
        adam.secondMoments = adam.firstMoments
        _ = net.trainStep(x, y, optimizer: &adam)
        #expect(adam.firstMoments.map(\.count) == [4800, 80, 3200, 40, 160, 4] && adam.secondMoments.map(\.count) == [4800, 80, 3200, 40, 160, 4])
    }
}
