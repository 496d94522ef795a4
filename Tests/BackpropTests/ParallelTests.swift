import Foundation
import Synchronization
import Testing
@testable import Backprop

/// The split products and updates (``Parallel``): every part done once, results equal to the
/// naive product, deterministic for a thread count, and a training run on 2 threads that stays
/// within Float rounding of the 1-thread run.
@Suite struct ParallelTests {
    @Test func rangesCoverTheCountInBlocks() {
        for (count, parts, block) in [(0, 2, 16), (5, 2, 16), (784, 2, 16), (1000, 3, 64), (17, 4, 1), (128, 2, 16)] {
            let ranges = (0..<parts).map { Parallel.range($0, of: parts, count: count, block: block) }
            #expect(ranges.flatMap { Array($0) } == Array(0..<count), "\(count) in \(parts)")
            for r in ranges where !r.isEmpty { #expect(r.upperBound % block == 0 || r.upperBound == count) }
        }
    }

    @Test func everyPartRunsOnce() {
        let counts = Mutex([Int](repeating: 0, count: 4))
        Parallel.run(4) { part in counts.withLock { $0[part] += 1 } }
        #expect(counts.withLock { $0 } == [1, 1, 1, 1])
        // The other part runs on a worker thread. Parts are claimed by whichever thread comes
        // first, so each part waits (up to 0.2 s) for the other to start: the caller, busy with
        // one, cannot take the second. (When another test holds the pool the caller runs both
        // in turn, after the wait; so try a few times.)
        var distinct = 0
        for _ in 0..<50 where distinct < 2 {
            let threads = Mutex(Set<String>())
            let started = Atomic<Int>(0)
            Parallel.run(2) { _ in
                threads.withLock { _ = $0.insert("\(pthread_self())") }
                started.add(1, ordering: .sequentiallyConsistent)
                let deadline = ContinuousClock.now + .milliseconds(200)
                while started.load(ordering: .sequentiallyConsistent) < 2 && ContinuousClock.now < deadline {}
            }
            distinct = threads.withLock { $0.count }
            if distinct < 2 { usleep(10_000) }
        }
        #expect(distinct == 2, "the second part runs on a worker thread")
    }

    /// Shapes large enough to split (m·n·k ≥ 2 × 2¹⁶), by columns (n ≥ m) and by rows, with
    /// every transpose and β = 1, against the naive product; and 2 threads equal 1 thread.
    @Test(arguments: [(64, 128, 784), (128, 784, 64), (300, 40, 200), (33, 500, 17)])
    func splitProductsEqualTheNaiveProduct(m: Int, n: Int, k: Int) {
        var rng = SeededGenerator(seed: UInt64(m * n + k))
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            let a: Matrix<Float> = ta ? randomMatrix(k, m, &rng) : randomMatrix(m, k, &rng)
            let b: Matrix<Float> = tb ? randomMatrix(n, k, &rng) : randomMatrix(k, n, &rng)
            let start: Matrix<Float> = randomMatrix(m, n, &rng)
            var (one, two) = (start, start)
            Parallel.withThreads(1) { Matrix.multiply(a, transposeA: ta, b, transposeB: tb, into: &one, alpha: -0.5, beta: 1) }
            Parallel.withThreads(2) { Matrix.multiply(a, transposeA: ta, b, transposeB: tb, into: &two, alpha: -0.5, beta: 1) }
            let naive = naiveProduct(a, transposeA: ta, b, transposeB: tb)
            let expected = zip(start.storage, naive.storage).map { $0 - 0.5 * $1 }
            #expect(maxError(two.storage, expected) < 1e-4, "\(m)×\(n)×\(k) ta \(ta) tb \(tb)")
            #expect(maxError(two.storage, one.storage) < 1e-5)
        }
    }

    /// The optimizers' updates are element by element: split or not, the same bits.
    @Test(arguments: Optimizer<Float>.Kind.allCases)
    func splitUpdatesAreBitIdentical(kind: Optimizer<Float>.Kind) {
        var rng = SeededGenerator(seed: 4)
        var net = Network<Float>(sizes: [300, 400, 3], activation: .tanh, output: .softmax, seed: 1)
        for l in net.layers.indices {           // gradients as a backward pass would leave them
            net.layers[l].weightGradient = randomMatrix(net.layers[l].outputSize, net.layers[l].inputSize, &rng)
            net.layers[l].biasGradient = (0..<net.layers[l].outputSize).map { _ in Float(rng.uniform(-1, 1)) }
        }
        func update(threads: Int) -> Network<Float> {
            var copy = net
            var opt = Optimizer<Float>(kind, learningRate: 0.01, weightDecay: 0.01, l1: 0.001)
            Parallel.withThreads(threads) { for _ in 0..<3 { opt.step(&copy) } }
            return copy
        }
        #expect(Parallel.withThreads(2) { Parallel.parts(work: 300 * 400, minimum: Parallel.minimumUpdates) } == 2,
                "the weights are split")
        let (one, two) = (update(threads: 1), update(threads: 2))
        #expect(one.layers.map(\.weights) == two.layers.map(\.weights))
        #expect(one.layers.map(\.biases) == two.layers.map(\.biases))
    }

    /// Two threads each asking for 2-way splits at once: one gets the pool, the other runs its
    /// parts itself; both results are right.
    @Test func concurrentCallersShareThePool() async {
        var rng = SeededGenerator(seed: 9)
        let a: Matrix<Float> = randomMatrix(64, 512, &rng), b: Matrix<Float> = randomMatrix(512, 256, &rng)
        let expected = naiveProduct(a, transposeA: false, b, transposeB: false)
        await withTaskGroup(of: Float.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var c = Matrix<Float>(rows: 0, cols: 0)
                    var worst: Float = 0
                    for _ in 0..<20 {
                        Parallel.withThreads(2) { Matrix.multiply(a, b, into: &c) }
                        worst = max(worst, maxError(c.storage, expected.storage))
                    }
                    return worst
                }
            }
            for await worst in group { #expect(worst < 1e-4) }
        }
    }

    /// A run on 2 threads: the same bits twice; within Float rounding of the 1-thread run.
    @Test func twoThreadRunsAreDeterministic() throws {
        func run(threads: Int) throws -> Network<Float> {
            var plan = TrainingPlan(data: "spiral")
            (plan.layers, plan.epochs, plan.threads, plan.batch) = ([2, 256, 256, 2], 3, threads, 64)
            var run = try TrainingRun<Float>(plan: plan)
            run.run()
            return run.network
        }
        let (a, b, one) = (try run(threads: 2), try run(threads: 2), try run(threads: 1))
        for l in a.layers.indices {
            #expect(a.layers[l].weights == b.layers[l].weights)
            #expect(maxError(a.layers[l].weights.storage, one.layers[l].weights.storage) < 1e-4)
        }
    }
}

/// A hand-made checkpoint may carry Adam's first moments without its second: the step starts
/// the state afresh instead of reading past an empty buffer.
@Suite struct OptimizerStateTests {
    @Test func adamWithoutSecondMomentsStartsFresh() {
        var net = Network<Double>.tutorial(seed: 1)
        var opt = Optimizer<Double>(.adam, learningRate: 0.01)
        opt.firstMoments = [[0, 0, 0, 0], [0, 0], [0, 0], [0]]
        let (x, y) = ToySets.xor(Double.self)
        net.forward(x)
        _ = net.computeLoss(target: y)
        net.backward(input: x)
        opt.step(&net)
        #expect(opt.secondMoments.map(\.count) == [4, 2, 2, 1] && opt.steps == 1)
    }
}
