// backprop-bench: measurements of the training step that `bench/compare.py` puts beside the
// reference implementations. Prints one JSON object per run.
//
//   backprop-bench gemm  [--layers 784,128,10] [--batch 64] [--threads 1] [--reps 300]
//       the matrix products of one training step alone (same shapes and transposes), median
//   backprop-bench step  [--layers …] [--batch …] [--threads …] [--reps …] [--optimizer sgd|adam]
//       one whole training step (forward, loss, backward, update) on fixed data, median
//   backprop-bench epoch [--layers …] [--batch …] [--threads …] [--optimizer …] [--rows 60000] [--reps 3]
//       whole epochs of a TrainingRun (gather, step, metrics) over random data of `rows` rows,
//       median seconds per epoch: the training loop without loading Fashion-MNIST
//   backprop-bench pair [--layers …] [--batch …] [--optimizer …] [--rows 60000] [--reps 5] [--steps 20]
//       two TrainingRuns on the same random data, one on 1 thread and one on 2, in turn every
//       `steps` steps (20 unless given) in one process, so that both runs' epochs see the same
//       stretches of the host; the first epoch of each warms up. Median seconds per epoch of
//       each, the median of the epochs' ratios (2 over 1), each epoch's seconds and ratio, and
//       which run ended each epoch, in order
//   backprop-bench csv --file F [--reps 3]
//       loading a CSV file as a data set (read, parse, one-hot labels), median seconds and MB/s
//   backprop-bench state [--hidden 8,8] [--reps 30]
//       the playground's `state` message while playing (an epoch between two): median seconds of
//       the reply to the epoch's last step, of the state alone (the reply less the same step on a
//       copy of the run), and its bytes, for the first (full) state and the later ones
//   backprop-bench alloc [--layers …] [--batch …] [--steps 200]
//       heap allocations of a TrainingRun's first step and of all later ones (one epoch); run with
//       LD_PRELOAD=…/libMallocInterposerSwift.so (DYLD_INSERT_LIBRARIES on macOS)
import Backprop
import BackpropPlayground
import Foundation
import MallocInterposerSwift

struct Options {
    var command = ""
    var sizes = [784, 128, 10]
    var batch = 64
    var threads = 1
    var reps = 300
    var steps = 200
    var stepsGiven = false          // pair's default turn is 20 steps, not 200
    var optimizer = Optimizer<Float>.Kind.sgd
    /// The harness's learning rates (bench/compare.py): 0.001 for Adam, 0.1 for SGD.
    var learningRate: Float { optimizer == .adam ? 0.001 : 0.1 }
    var file = ""
    var hidden = [8, 8]
    var rows = 60000

    init(_ arguments: [String]) throws {
        var args = arguments.dropFirst()
        guard let command = args.popFirst(), ["gemm", "step", "epoch", "pair", "alloc", "csv", "state"].contains(command) else {
            throw BenchError("usage: backprop-bench gemm|step|epoch|pair|alloc|csv|state [--file F] [--rows 60000] [--hidden 8,8] [--layers 784,128,10] [--batch 64] [--threads 1] [--reps 300] [--steps 200, pair: 20] [--optimizer sgd|adam]")
        }
        self.command = command
        while let flag = args.popFirst() {
            guard let value = args.popFirst() else { throw BenchError("\(flag) needs a value") }
            switch flag {
            case "--layers": sizes = value.split(separator: ",").compactMap { Int($0) }
            case "--batch": batch = Int(value) ?? 0
            case "--threads": threads = Int(value) ?? 0
            case "--reps": reps = Int(value) ?? 0
            case "--steps": (steps, stepsGiven) = (Int(value) ?? 0, true)
            case "--file": file = value
            case "--rows": rows = Int(value) ?? 0
            case "--hidden": hidden = value.split(separator: ",").compactMap { Int($0) }
            case "--optimizer":
                guard let kind = Optimizer<Float>.Kind(rawValue: value) else { throw BenchError("unknown optimizer \(value)") }
                optimizer = kind
            default: throw BenchError("unknown option \(flag)")
            }
        }
        guard sizes.count >= 2, sizes.allSatisfy({ $0 > 0 }), batch > 0, threads > 0, reps > 0, steps > 1, rows > 0 else {
            throw BenchError("options out of range")
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A network and one batch of random data of the benchmark's shapes.
func setup(_ o: Options) -> (Network<Float>, Matrix<Float>, Matrix<Float>) {
    let net = Network<Float>(sizes: o.sizes, activation: .relu, output: .softmax, loss: .softmaxCrossEntropy,
                             reduction: .mean, seed: 1)
    var rng = SeededGenerator(seed: 2)
    let x = Matrix<Float>(rows: o.batch, cols: o.sizes[0], storage: (0..<(o.batch * o.sizes[0])).map { _ in Float(rng.uniform()) })
    let labels = (0..<o.batch).map { _ in Int(rng.next() % UInt64(o.sizes.last!)) }
    return (net, x, Dataset<Float>.oneHot(labels, classes: o.sizes.last!))
}

/// The playground's state, as `state` measures it (see the top of this file).
func stateBench(_ o: Options) async throws -> [(String, JSON)] {
    var settings = PlaygroundSettings()
    (settings.hidden, settings.activations) = (o.hidden, [.tanh])
    let session = try PlaygroundSession(settings: settings) { _ in }
    var delta = StateDelta()
    // Steps by messages, as the page sends them: the reply to the epoch's last step is a
    // state drawn afresh (the network changed), and what the server sends of it is timed.
    // The reply also holds the step and the epoch's measurement (training work): the same step on
    // a copy of the run, timed alone, is taken off to give the state's own cost.
    typealias Sample = (seconds: Double, state: Double, bytes: Int, members: [(key: String, value: JSON)])
    func epoch() async -> Sample {
        let steps = (await session.run).batchesPerEpoch
        for _ in 1..<steps { _ = await session.receive(#"{"type":"step"}"#) }
        var copy = await session.run              // (a copy: the run is a value)
        var t = ContinuousClock.now
        _ = copy.step()
        let training = (ContinuousClock.now - t).seconds
        t = ContinuousClock.now
        let reply = await session.receive(#"{"type":"step"}"#)
        let text = delta.text(reply[0])
        let seconds = (ContinuousClock.now - t).seconds
        return (seconds, seconds - training, text.utf8.count, reply[0].members)
    }
    let first = await epoch()
    var later: [Sample] = []
    for _ in 0..<o.reps { later.append(await epoch()) }
    let parts = later.last!.members.map { ($0.key, JSON.number($0.value.serialized().utf8.count)) }
    return [("bench", .string("state")), ("hidden", .string(o.hidden.map(String.init).joined(separator: ","))),
            ("first_seconds", .number(first.seconds)), ("first_bytes", .number(first.bytes)),
            ("seconds", .number(median(later.map(\.seconds)))), ("state_seconds", .number(median(later.map(\.state)))),
            ("bytes", .number(median(later.map { Double($0.bytes) }))), ("member_bytes", .object(parts))]
}

/// `rows` random samples of `o`'s shapes (uniform inputs, random classes).
func randomData(_ o: Options, rows: Int) -> Dataset<Float> {
    var rng = SeededGenerator(seed: 3)
    let classes = o.sizes.last!
    var x = Matrix<Float>(rows: rows, cols: o.sizes[0])     // in 2 MB pages, as a loaded training set
    for r in 0..<rows { for c in 0..<o.sizes[0] { x[r, c] = Float(rng.uniform()) } }
    return Dataset<Float>(x: x,
                          y: Dataset<Float>.oneHot((0..<rows).map { _ in Int(rng.next() % UInt64(classes)) }, classes: classes),
                          classNames: (0..<classes).map(String.init))
}

/// A TrainingRun of `o`'s batch, threads and optimizer over `data` (``randomData(_:rows:)``):
/// what `epoch`, `pair` and `alloc` step through.
func randomRun(_ o: Options, _ network: Network<Float>, data: Dataset<Float>, epochs: Int, learningRate: Float) -> TrainingRun<Float> {
    var configuration = TrainingConfiguration(epochs: epochs, batchSize: o.batch, seed: 1)
    configuration.threads = o.threads
    return TrainingRun(network: network, optimizer: Optimizer<Float>(o.optimizer, learningRate: learningRate),
                       train: data, configuration: configuration)
}

/// The middle value (the mean of the two middle ones for an even count).
func median(_ xs: [Double]) -> Double {
    let s = xs.sorted(), n = s.count
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
}

func time(_ reps: Int, _ body: () -> Void) -> Double {
    body()      // warm up
    let clock = ContinuousClock()
    var samples: [Double] = []
    for _ in 0..<reps {
        let t = clock.now
        body()
        samples.append((clock.now - t).seconds)
    }
    return median(samples)
}

func emit(_ members: [(String, JSON)]) { print(JSON.object(members.map { ($0.0, $0.1) }).serialized()) }

do {
    let o = try Options(CommandLine.arguments)
    let (network, x, y) = setup(o)
    let common: [(String, JSON)] = [("layers", .string(o.sizes.map(String.init).joined(separator: ","))),
                                    ("batch", .number(o.batch)), ("threads", .number(o.threads))]
    switch o.command {
    case "state":
        emit(try await stateBench(o))
    case "csv":
        guard !o.file.isEmpty else { throw BenchError("csv needs --file") }
        let size = Double((try? FileManager.default.attributesOfItem(atPath: o.file)[.size] as? Int) ?? 0)
        var rows = 0
        let seconds = time(o.reps) { rows = ((try? DataSource.csvFile(o.file, options: CSVOptions())) as Dataset<Float>?)?.count ?? -1 }
        guard rows > 0 else { throw BenchError("\(o.file) does not load as a data set") }
        emit([("bench", .string("csv")), ("file", .string(o.file)), ("bytes", .number(size)), ("rows", .number(rows)),
              ("seconds", .number(seconds)), ("mb_per_second", .number(size / 1e6 / seconds))])
    case "gemm":
        // The products of one step: per layer z = a·Wᵀ, dW = δᵀ·a, and δ·W for every layer but the first.
        var products: [(a: Matrix<Float>, ta: Bool, b: Matrix<Float>, tb: Bool)] = []
        var rng = SeededGenerator(seed: 3)
        func random(_ r: Int, _ c: Int) -> Matrix<Float> { Matrix(rows: r, cols: c, storage: (0..<(r * c)).map { _ in Float(rng.uniform(-1, 1)) }) }
        for l in 1..<o.sizes.count {
            let (i, n) = (o.sizes[l - 1], o.sizes[l])
            let aPrev = random(o.batch, i), w = random(n, i), delta = random(o.batch, n)
            products.append((aPrev, false, w, true))          // forward  (B, I)·(I, O)
            products.append((delta, true, aPrev, false))      // dW       (O, B)·(B, I)
            if l > 1 { products.append((delta, false, w, false)) }   // δ·W  (B, O)·(O, I)
        }
        var outputs = products.map { _ in Matrix<Float>(rows: 0, cols: 0) }
        let seconds = time(o.reps) {
            Parallel.withThreads(o.threads) {
            for k in products.indices {
                Matrix.multiply(products[k].a, transposeA: products[k].ta, products[k].b, transposeB: products[k].tb, into: &outputs[k])
            }
            }
        }
        let flops = products.indices.reduce(0.0) { $0 + 2 * Double(outputs[$1].rows * outputs[$1].cols) * Double(products[$1].ta ? products[$1].a.rows : products[$1].a.cols) }
        emit(common + [("bench", .string("gemm")), ("products", .number(products.count)),
                       ("seconds_per_step", .number(seconds)), ("gflops", .number(flops / seconds / 1e9))])
    case "step":
        var net = network
        var opt = Optimizer<Float>(o.optimizer, learningRate: o.learningRate)
        let seconds = time(o.reps) { Parallel.withThreads(o.threads) { _ = net.trainStep(x, y, optimizer: &opt) } }
        emit(common + [("bench", .string("step")), ("optimizer", .string(o.optimizer.rawValue)), ("seconds_per_step", .number(seconds))])
    case "epoch":
        var run = randomRun(o, network, data: randomData(o, rows: o.rows), epochs: o.reps, learningRate: o.learningRate)
        let result = run.run()
        emit(common + [("bench", .string("epoch")), ("optimizer", .string(o.optimizer.rawValue)), ("rows", .number(o.rows)),
                       ("seconds_per_epoch", .number(median(result.epochs.map(\.seconds))))])
    case "pair":
        let data = randomData(o, rows: o.rows)          // one data set, shared by both runs
        var runs = [1, 2].map { threads in
            var options = o
            options.threads = threads
            return randomRun(options, network, data: data, epochs: o.reps + 1, learningRate: o.learningRate)
        }
        // In turn every `turn` steps, so that both runs' epochs see the same stretches of the
        // host; an epoch's seconds are its steps' (TrainingRun's own measure). `ends` records
        // which run ended each epoch, in order.
        let turn = o.stepsGiven ? o.steps : 20
        var seconds: [[Double]] = runs.map { _ in [] }
        var ends: [JSON] = []
        while seconds[1].count <= o.reps {                  // the first epoch of each warms up
            for k in runs.indices {
                for _ in 0..<turn {
                    guard let report = runs[k].step() else { throw BenchError("run \(k + 1) ended before its epochs") }
                    if report.divergence != nil { throw BenchError("run \(k + 1) diverged") }
                    if let metrics = report.endedEpoch {
                        seconds[k].append(metrics.seconds)
                        ends.append(.number(k + 1))
                        break
                    }
                }
            }
        }
        let (one, two) = (Array(seconds[0].dropFirst()), Array(seconds[1].dropFirst()))
        let ratios = zip(two, one).map { $0 / $1 }
        emit(common.filter { $0.0 != "threads" } + [
            ("bench", .string("pair")), ("optimizer", .string(o.optimizer.rawValue)), ("rows", .number(o.rows)),
            ("turn_steps", .number(turn)), ("seconds_per_epoch_1", .number(median(one))), ("seconds_per_epoch_2", .number(median(two))),
            ("ratio", .number(median(ratios))), ("ratios", .array(ratios.map { .number($0) })),
            ("seconds_1", .array(one.map { .number($0) })), ("seconds_2", .array(two.map { .number($0) })), ("epoch_ends", .array(ends))])
    default:  // alloc: steps of a TrainingRun (what fit, train and the playground take), within one epoch
        var run = randomRun(o, network, data: randomData(o, rows: o.batch * (o.steps + 1)), epochs: 1, learningRate: 0.1)
        MallocInterposerSwift.initialize()
        MallocInterposerSwift.hook()
        run.step()
        MallocInterposerSwift.unhook()
        let first = MallocInterposerSwift.getStatistics().mallocCount
        MallocInterposerSwift.initialize()
        MallocInterposerSwift.hook()
        for _ in 1..<o.steps { run.step() }           // the epoch has one batch more: no epoch end here
        MallocInterposerSwift.unhook()
        let later = MallocInterposerSwift.getStatistics().mallocCount
        emit(common + [("bench", .string("alloc")), ("optimizer", .string(o.optimizer.rawValue)),
                       ("allocations_first_step", .number(first)), ("steps_after_first", .number(o.steps - 1)),
                       ("allocations_after_first_step", .number(later))])
    }
} catch {
    FileHandle.standardError.write(Data("backprop-bench: \(error)\n".utf8))
    exit(1)
}
