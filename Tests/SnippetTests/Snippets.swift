// Every Swift example of the documentation, verbatim: the doc comments in Sources/, the DocC
// articles and the README. Each sits in a function of its own (after the few declarations it
// assumes), so that this target compiling means every example compiles; SnippetTests checks
// that each example in the sources still appears here word for word.
// Regenerate the skeleton after adding an example: see the comment at the end of SnippetTests.swift.
import Backprop
import BackpropCommands
import BackpropPlayground
import Foundation

/// Sources/Backprop/Data/CSV.swift
@discardableResult func snippet_CSV() throws -> Any? {
let data = try Dataset<Float>.csv("x1,x2,label\n0,1,yes\n1,1,no\n", file: "toy.csv")
data.classNames    // ["no", "yes"]
return nil
}

/// Sources/Backprop/Data/CSVScanner.swift
@discardableResult func snippet_CSVScanner() throws -> Any? {
let bytes = Array("a,b\n1,\"x,y\"\n".utf8)
bytes.withUnsafeBufferPointer { p in
    var rows = CSVScanner(p, separator: UInt8(ascii: ","))
    while (try? rows.next()) == true { print(rows.line, rows.string(1)) }    // 1 b, 2 x,y
}
return nil
}

/// Sources/Backprop/Data/Dataset.swift
@discardableResult func snippet_Dataset() throws -> Any? {
let text = "x,label\n1,a\n2,b\n"
func loadData() throws -> Dataset<Float> { ToySets.make(.spiral) }
var data = try Dataset<Float>.csv(text, options: CSVOptions(), file: "data.csv")
let validation = data.splitOff(validationFraction: 0.1, seed: 1)
return nil
}

/// Sources/Backprop/Data/Dataset.swift
@discardableResult func snippet_Dataset_1() throws -> Any? {
let text = "x,label\n1,a\n2,b\n"
func loadData() throws -> Dataset<Float> { ToySets.make(.spiral) }
let pairs = try Dataset<Float>.csv("x,label\n0,no\n1,yes\n", file: "yes-no.csv").asOneOutput()
pairs.outputs      // 1; pairs.classNames == ["no", "yes"]
return nil
}

/// Sources/Backprop/Data/Dataset.swift
@discardableResult func snippet_Dataset_2() throws -> Any? {
let text = "x,label\n1,a\n2,b\n"
func loadData() throws -> Dataset<Float> { ToySets.make(.spiral) }
var train = try loadData()
let validation = train.splitOff(validationFraction: 0.1, seed: 1)
return nil
}

/// Sources/Backprop/Data/Gzip.swift
@discardableResult func snippet_Gzip() throws -> Any? {
let compressed: [UInt8] = []
let bytes: [UInt8] = []
let reader = try GzipReader(compressed)
var chunk = [UInt8](repeating: 0, count: 65536)
let n = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }   // 0 at the end
return nil
}

/// Sources/Backprop/Data/Gzip.swift
@discardableResult func snippet_Gzip_1() throws -> Any? {
let compressed: [UInt8] = []
let bytes: [UInt8] = []
let raw = try gunzip(bytes)
return nil
}

/// Sources/Backprop/Data/IDX.swift
@discardableResult func snippet_IDX() throws -> Any? {
let fileBytes: [UInt8] = []
let images = try IDXArray(bytes: gunzip(fileBytes), file: "train-images-idx3-ubyte.gz")
images.shape     // [60000, 28, 28]
return nil
}

/// Sources/Backprop/Data/InputFeature.swift
@discardableResult func snippet_InputFeature() throws -> Any? {
let raw = Matrix<Float>([[2, 3]])
let x = InputFeature.map([.x1, .x2, .x1x2], raw)     // [[2, 3, 6]]
return nil
}

/// Sources/Backprop/Data/Preprocessing.swift
@discardableResult func snippet_Preprocessing() throws -> Any? {
var (train, test) = ToySets.split(.spiral, as: Float.self)
let prep = Preprocessing.fit(.standardize, to: train.x)
prep.apply(to: &train.x)
prep.apply(to: &test.x)     // the training statistics
return nil
}

/// Sources/Backprop/Data/ToySets.swift
@discardableResult func snippet_ToySets() throws -> Any? {
let (x, y) = ToySets.xor(Float.self)
return nil
}

/// Sources/Backprop/Data/ToySets.swift
@discardableResult func snippet_ToySets_1() throws -> Any? {
let spiral = ToySets.make(.spiral, count: 400, noise: 0.1, seed: 1, as: Float.self)
let circles: Dataset<Float> = ToySets.make(.circles)        // 500 points, noise 0.1, seed 1
return nil
}

/// Sources/Backprop/Data/ToySets.swift
@discardableResult func snippet_ToySets_2() throws -> Any? {
let (train, test) = ToySets.split(.spiral, as: Float.self)
return nil
}

/// Sources/Backprop/Data/TrainingData.swift
@discardableResult func snippet_TrainingData() throws -> Any? {
let data: TrainingData<Float> = try TrainingPlan(data: "spiral").loadData()
data.train.count       // 500
return nil
}

/// Sources/Backprop/Exercises/Exercise.swift
@discardableResult func snippet_Exercise() throws -> Any? {
let exercise = try Exercise.draw(seed: 7)            // 2-2-1 sigmoid, ½ squared error, η = 0.5
let first = exercise.questions[0]                    // z¹[0]
exercise.grade(first, answer: first.answer)          // right
let delta = exercise.questions.first { $0.id == "delta2[0]" }
delta.map { exercise.grade($0, answer: 0.1).mistake }   // the mistake 0.1 matches, if any
return nil
}

/// Sources/Backprop/Files/AtomicWrite.swift
@discardableResult func snippet_AtomicWrite() throws -> Any? {
let text = "notes"
try writeFileAtomically(Array(text.utf8), to: "notes.txt")
return nil
}

/// Sources/Backprop/Files/JSON.swift
@discardableResult func snippet_JSON() throws -> Any? {
let value = try JSON.parse(#"{"weights": [[0.15, 0.2]]}"#)
value["weights"]?[0]?[1]?.number       // "0.2"
value.serialized()                      // {"weights": [[0.15, 0.2]]}
return nil
}

/// Sources/Backprop/Files/JSONParser.swift
@discardableResult func snippet_JSONParser() throws -> Any? {
try JSON.parse("[1, 2.5]")     // .array([.number("1"), .number("2.5")])
return nil
}

/// Sources/Backprop/Files/ModelFile.swift
@discardableResult func snippet_ModelFile() throws -> Any? {
let model = try ModelFile<Float>(contentsOf: "iris.json")
let names = model.classNames(of: model.predict(Matrix([[5.1, 3.5, 1.4, 0.2]])))   // ["setosa"]
return nil
}

/// Sources/Backprop/Files/SourceExport.swift
@discardableResult func snippet_SourceExport() throws -> Any? {
let model = ModelFile(network: Network<Float>.tutorial(seed: 42))
let swift = try SourceExport.swift(model: model, name: "XOR")     // "public enum XOR { …"
let (header, source) = try SourceExport.c(model: model, name: "xor")
return nil
}

/// Sources/Backprop/Insight/GradientCheck.swift
@discardableResult func snippet_GradientCheck() throws -> Any? {
let net = Network<Double>.tutorial(seed: 42)
let (x, y) = ToySets.xor(Double.self)
let report = GradientCheck.run(network: net, input: x, target: y)
report.worst.maxRelativeError    // e.g. 3e-11
return nil
}

/// Sources/Backprop/Insight/Health.swift
@discardableResult func snippet_Health() throws -> Any? {
let net = Network<Float>.tutorial(seed: 42)
let (x, y) = ToySets.xor(Float.self)
let health = TrainingHealth(network: net, input: x, target: y, learningRate: 0.1)
health.warnings     // ["layer 1: 62% of its ReLUs are dead (never active on 1000 samples)"]
return nil
}

/// Sources/Backprop/Insight/ParameterChain.swift
@discardableResult func snippet_ParameterChain() throws -> Any? {
let net = Network<Double>.tutorial(seed: 42)
let (x, y) = ToySets.xor(Double.self)
let trace = StepTrace.record(network: net, input: x, target: y, learningRate: 0.5)
if let w = trace.chain(layer: 2, neuron: 0, from: 1) {      // W²[0][1]
    print(w.gradient == trace.layers[1].weightGradient[0, 1])  // true
}
return nil
}

/// Sources/Backprop/Insight/StepTrace+Text.swift
@discardableResult func snippet_StepTrace_Text() throws -> Any? {
let (x, y) = ToySets.xor(Double.self)
let trace = StepTrace.record(network: Network<Double>.tutorial(seed: 42), input: x, target: y, learningRate: 0.5)
print(trace.text(source: "XOR network, seed 42"))
return nil
}

/// Sources/Backprop/Insight/StepTrace.swift
@discardableResult func snippet_StepTrace() throws -> Any? {
let net = Network<Double>.tutorial(seed: 42)
let (x, y) = ToySets.xor(Double.self)
let trace = StepTrace.record(network: net, input: x, target: y, learningRate: 0.5)
trace.layers[1].delta      // δ² for each sample
trace.lossAfter            // the loss with the updated weights
return nil
}

/// Sources/Backprop/Layers/Activation.swift
@discardableResult func snippet_Activation() throws -> Any? {
Activation.sigmoid.value(0.0)                    // 0.5
Activation.sigmoid.derivative(z: 0.0, a: 0.5)    // 0.25
return nil
}

/// Sources/Backprop/Layers/Dense.swift
@discardableResult func snippet_Dense() throws -> Any? {
var layer = Dense<Double>(weights: Matrix([[0.15, 0.20], [0.25, 0.30]]),
                          biases: [0.35, 0.35], activation: .sigmoid)
layer.forward(Matrix([[0.05, 0.10]]))
layer.a          // [[0.593269992, 0.596884378]]
return nil
}

/// Sources/Backprop/Layers/Dropout.swift
@discardableResult func snippet_Dropout() throws -> Any? {
var g = Dropout.generator(seed: 7, step: 0)
let m: Double = Dropout.draw(rate: 0.5, keep: Dropout.keep(rate: 0.5), generator: &g)   // 0 or 2
return nil
}

/// Sources/Backprop/Losses/Loss.swift
@discardableResult func snippet_Loss() throws -> Any? {
Loss.squaredError.value(a: 0.75, y: 1.0)       // 0.03125
Loss.squaredError.gradient(a: 0.75, y: 1.0)    // -0.25
return nil
}

/// Sources/Backprop/Losses/Loss.swift
@discardableResult func snippet_Loss_1() throws -> Any? {
Loss.standard(for: .softmax)                         // .softmaxCrossEntropy
Loss.standard(for: .sigmoid, classification: true)  // .binaryCrossEntropy
return nil
}

/// Sources/Backprop/Math/Matrix.swift
@discardableResult func snippet_Matrix() throws -> Any? {
var x = Matrix<Float>([[0, 0], [0, 1], [1, 0], [1, 1]])   // (batch 4, in 2)
x[1, 1]        // 1
x.row(2)       // [1, 0]
return nil
}

/// Sources/Backprop/Math/Parallel.swift
@discardableResult func snippet_Parallel() throws -> Any? {
var network = Network<Float>.tutorial(seed: 42)
let (x, y) = ToySets.xor(Float.self)
var sgd = Optimizer<Float>.gradientDescent(learningRate: 0.5)
Parallel.withThreads(2) {
    _ = network.trainStep(x, y, optimizer: &sgd)
}
return nil
}

/// Sources/Backprop/Math/Random.swift
@discardableResult func snippet_Random() throws -> Any? {
var rng = SeededGenerator(seed: 42)
rng.next()            // 64 random bits
rng.uniform()         // a Double in [0, 1)
return nil
}

/// Sources/Backprop/Math/Scalar.swift
@discardableResult func snippet_Scalar() throws -> Any? {
let net32 = Network<Float>.tutorial(seed: 42)
let net64 = Network<Double>(converting: net32)   // the same weights, exactly
return nil
}

/// Sources/Backprop/Optimizers/Optimizer.swift
@discardableResult func snippet_Optimizer() throws -> Any? {
var network = Network<Float>.tutorial(seed: 42)
var sgd = Optimizer<Float>.gradientDescent(learningRate: 0.5)              // the tutorial's
var adam = Optimizer<Float>(.adam, learningRate: 1e-3, weightDecay: 1e-4)  // AdamW
adam.step(&network)
return nil
}

/// Sources/Backprop/Optimizers/Schedule.swift
@discardableResult func snippet_Schedule() throws -> Any? {
LearningRateSchedule.step(every: 10, factor: 0.1).rate(base: 0.1, epoch: 25, epochs: 30)  // 0.001
return nil
}

/// Sources/Backprop/Plots/Charts.swift
@discardableResult func snippet_Charts() throws -> Any? {
let chart = LineChart(title: "loss", yLabel: "loss per sample", series: [
    .init(name: "train", color: LineChart.colors[0], points: [(1, 0.6), (2, 0.4)]),
])
try writeFileAtomically(Array(chart.svg().rendered.utf8), to: "loss.svg")
return nil
}

/// Sources/Backprop/Plots/DecisionBoundary.swift
@discardableResult func snippet_DecisionBoundary() throws -> Any? {
let model = ModelFile(network: Network<Float>(sizes: [2, 3, 2], activation: .tanh, output: .softmax, seed: 1))
let train = ToySets.make(.spiral, as: Float.self)
let raw = train.x
let svg = DecisionBoundary.svg(model: model, points: raw, labels: train.labels)
return nil
}

/// Sources/Backprop/Plots/ImageGrid.swift
@discardableResult func snippet_ImageGrid() throws -> Any? {
let rows = [[Double]](repeating: [Double](repeating: 0, count: 784), count: 2)
let names = ["a", "b"]
let svg = ImageGrid.svg(images: rows, side: 28, captions: names, title: "first-layer weights", signed: true)
return nil
}

/// Sources/Backprop/Plots/NetworkDiagram.swift
@discardableResult func snippet_NetworkDiagram() throws -> Any? {
let net = Network<Double>.tutorial(seed: 42)
let (x, y) = ToySets.xor(Double.self)
let trace = StepTrace.record(network: net, input: x, target: y, learningRate: 0.5)
let svg = NetworkDiagram.svg(network: net, trace: trace)
return nil
}

/// Sources/Backprop/Plots/NeuronMaps.swift
@discardableResult func snippet_NeuronMaps() throws -> Any? {
let raw = Matrix<Float>([[0, 0], [1, 1]])
let preprocessing: Preprocessing? = nil
let net = Network<Float>(sizes: [2, 3, 2], activation: .tanh, output: .softmax, seed: 1)
let grid = DecisionBoundary.Grid<Float>(covering: [raw], resolution: 24)
var inputs = grid.points; preprocessing?.apply(to: &inputs)
let maps = NeuronMaps(network: net, inputs: inputs, resolution: 24)
let png = maps.png(layer: 1, neuron: 0)
return nil
}

/// Sources/Backprop/Plots/PNG.swift
@discardableResult func snippet_PNG() throws -> Any? {
var svg = SVG(width: 20, height: 10)
let png = PNG.rgb(width: 2, height: 1, pixels: [255, 0, 0,  0, 0, 255])   // red, blue
svg.image(x: 0, y: 0, width: 20, height: 10, png: png)
return nil
}

/// Sources/Backprop/Plots/SVG.swift
@discardableResult func snippet_SVG() throws -> Any? {
var svg = SVG(width: 200, height: 100)
svg.rect(x: 0, y: 0, width: 200, height: 100, fill: "#ffffff")
svg.circle(cx: 50, cy: 50, r: 4, fill: "#1f77b4")
svg.text("loss", x: 100, y: 12, anchor: "middle")
let text = svg.rendered      // "<svg xmlns=…>…</svg>"
return nil
}

/// Sources/Backprop/Plots/TrainingReport.swift
@discardableResult func snippet_TrainingReport() throws -> Any? {
let settings: [(key: String, value: JSON)] = [("data", .string("spiral"))]
let result = TrainingResult(epochs: [], bestEpoch: 0, stoppedEarly: false, interrupted: false, trainSeconds: 0, divergence: nil)
let net = Network<Float>.tutorial(seed: 42)
let (x, y) = ToySets.xor(Float.self)
let health = TrainingHealth(network: net, input: x, target: y, learningRate: 0.5)
let lossChart = LineChart(title: "loss", yLabel: "loss", series: [])
let html = TrainingReport(title: "spiral", settings: settings, result: result, health: health,
                          pictures: [("loss", lossChart.svg())]).html
return nil
}

/// Sources/Backprop/Training/Evaluation.swift
@discardableResult func snippet_Evaluation() throws -> Any? {
let net = Network<Float>(sizes: [2, 3, 2], activation: .tanh, output: .softmax, seed: 1)
let test = ToySets.make(.spiral, as: Float.self)
let result = Evaluation(network: net, data: test)
result.accuracy     // e.g. 0.8765
return nil
}

/// Sources/Backprop/Training/Initializer.swift
@discardableResult func snippet_Initializer() throws -> Any? {
var rng = SeededGenerator(seed: 42)
let layer = Dense<Float>(inputs: 784, outputs: 128, activation: .relu,
                         initializer: .he, generator: &rng)
return nil
}

/// Sources/Backprop/Training/MiniBatches.swift
@discardableResult func snippet_MiniBatches() throws -> Any? {
var batches = MiniBatches(count: 10, batchSize: 4, shuffle: true, seed: 3)
batches.startEpoch()                 // shuffles
batches.count                        // 3 batches: 4 + 4 + 2 samples
let first = batches.indices(0)       // 4 sample indices
return nil
}

/// Sources/Backprop/Training/Network+Fit.swift
@discardableResult func snippet_Network_Fit() throws -> Any? {
var net = Network<Float>(sizes: [2, 16, 2], activation: .tanh, output: .softmax,
                         loss: .softmaxCrossEntropy, reduction: .mean, seed: 1)
var adam = Optimizer<Float>(.adam, learningRate: 1e-3)
let data = ToySets.make(.spiral, count: 200, noise: 0.1, seed: 1, as: Float.self)
net.fit(data, optimizer: &adam, configuration: TrainingConfiguration(epochs: 10, batchSize: 32, seed: 1))
return nil
}

/// Sources/Backprop/Training/Network+Training.swift
@discardableResult func snippet_Network_Training() throws -> Any? {
var network = Network<Float>.tutorial(seed: 42)
let (x, y) = ToySets.xor(Float.self)
var sgd = Optimizer<Float>.gradientDescent(learningRate: 0.5)
let loss = network.trainStep(x, y, optimizer: &sgd)
return nil
}

/// Sources/Backprop/Training/Network.swift
@discardableResult func snippet_Network() throws -> Any? {
var net = Network<Float>.tutorial(seed: 42)     // 2-2-1 sigmoid, ½ squared error
let (x, y) = ToySets.xor(Float.self)
net.forward(x)
let loss = net.computeLoss(target: y)    // fills net.lossGradient = a − y
net.backward(input: x)                   // fills each layer's delta, weightGradient, biasGradient
return nil
}

/// Sources/Backprop/Training/Network.swift
@discardableResult func snippet_Network_1() throws -> Any? {
var net = Network<Float>.tutorial(seed: 42)    // what `backprop xor` trains
return nil
}

/// Sources/Backprop/Training/TrainingPlan+Arguments.swift
@discardableResult func snippet_TrainingPlan_Arguments() throws -> Any? {
var plan = TrainingPlan(data: "spiral")
plan.batch = 10
plan.arguments      // ["--data", "spiral", "--batch", "10"]
return nil
}

/// Sources/Backprop/Training/TrainingPlan.swift
@discardableResult func snippet_TrainingPlan() throws -> Any? {
var plan = TrainingPlan(data: "spiral")
plan.layers = [2, 16, 16, 2]
plan.activations = [.tanh]
plan.optimizer = .adam
try plan.validate()
var run = try TrainingRun<Float>(plan: plan)
let result = run.run()
return nil
}

/// Sources/Backprop/Training/TrainingPlan.swift
@discardableResult func snippet_TrainingPlan_1() throws -> Any? {
PlanError(.batch, "must be ≥ 1 (got 0)").description   // "--batch must be ≥ 1 (got 0)"
return nil
}

/// Sources/Backprop/Training/TrainingRun+Changes.swift
@discardableResult func snippet_TrainingRun_Changes() throws -> Any? {
var run = try TrainingRun<Float>(plan: TrainingPlan(data: "spiral"))
run.trainEpochs(3)
try run.change(.init(learningRate: 0.3))     // from epoch 4 on
return nil
}

/// Sources/Backprop/Training/TrainingRun.swift
@discardableResult func snippet_TrainingRun() throws -> Any? {
var run = try TrainingRun<Float>(plan: TrainingPlan(data: "spiral"))
run.step()                  // one batch
let result = run.run()      // the rest of the run
return nil
}

/// Sources/Backprop/Training/TrainingSeeds.swift
@discardableResult func snippet_TrainingSeeds() throws -> Any? {
var train = ToySets.make(.spiral, as: Float.self)
let seeds = TrainingSeeds(1)
let test = train.splitOff(validationFraction: 0.5, seed: seeds.testSplit)
return nil
}

/// Sources/BackpropCommands/DryRun.swift
@discardableResult func snippet_DryRun() throws -> Any? {
do {
try DryRun.check(["train", "--data", "xor", "--activation", "relu,tanh"])   // throws: --activation gives 2 …
} catch {}
return nil
}

/// Sources/BackpropPlayground/Playground/Run.swift
@discardableResult func snippet_Run() throws -> Any? {
var run = try PlaygroundRun(settings: PlaygroundSettings())
run.step()                       // one batch
run.trainEpoch()                 // the rest of the epoch
let trace = run.nextStepTrace()  // the next step, hand by hand (what `backprop explain` gives)
return nil
}

/// Sources/BackpropPlayground/Playground/StateDelta.swift
@discardableResult func snippet_StateDelta() throws -> Any? {
var delta = StateDelta()
let first = delta.text(Outgoing(state: [("type", .string("state")), ("epoch", .number(1))]))
let second = delta.text(Outgoing(state: [("type", .string("state")), ("epoch", .number(1))]))
// second == "{\"type\": \"state\"}"
return nil
}

/// Sources/BackpropPlayground/Server/Server.swift
@discardableResult func snippet_Server() async throws -> Any? {
let server = try PlaygroundServer(host: "127.0.0.1", port: 8080)
try await server.run { url in print("open \(url)") }
return nil
}

/// Sources/Backprop/Backprop.docc/Backprop.md
@discardableResult func snippet_Backprop() throws -> Any? {
var net = Network<Float>.tutorial(seed: 42)
let (x, y) = ToySets.xor(Float.self)
var sgd = Optimizer<Float>.gradientDescent(learningRate: 0.5)
net.train(x, y, epochs: 10_000, optimizer: &sgd)
return nil
}

/// Sources/Backprop/Backprop.docc/ExplainAndGradCheck.md
@discardableResult func snippet_ExplainAndGradCheck() throws -> Any? {
let model = try ModelFile<Double>(text: """
{"format": "backprop-model", "version": 1, "loss": "squared-error", "reduction": "sum",
 "layers": [{"activation": "sigmoid", "weights": [[0.15, 0.2], [0.25, 0.3]], "biases": [0.35, 0.35]},
            {"activation": "sigmoid", "weights": [[0.4, 0.45], [0.5, 0.55]], "biases": [0.6, 0.6]}]}
""")
let trace = StepTrace.record(network: model.network, input: Matrix([[0.05, 0.1]]),
                             target: Matrix([[0.01, 0.99]]), learningRate: 0.5)
trace.lossBefore                    // 0.298371109…, Matt Mazur's hand-computed loss
trace.layers[1].delta[0, 0]         // δ²[0] = (a² − y) ⊙ σ'(z²) = 0.138498562…
trace.layers[1].weightGradient[0, 0] // dLoss/dW²[0][0] = δ²[0] · a¹[0] = 0.082167041…
print(trace.text(source: "step-by-step.json"))
return nil
}

/// Sources/Backprop/Backprop.docc/ExplainAndGradCheck.md
@discardableResult func snippet_ExplainAndGradCheck_1() throws -> Any? {
let network = Network<Double>(sizes: [2, 3, 2], activation: .tanh, output: .sigmoid, seed: 7)
let check = GradientCheck.run(network: network, input: Matrix([[0.5, -1.0], [2.0, 0.25]]),
                              target: Matrix([[1.0, 0.0], [0.0, 1.0]]))
check.worst.maxRelativeError        // about 1e-10
return nil
}

/// Sources/Backprop/Backprop.docc/FormulasToCode.md
@discardableResult func snippet_FormulasToCode() throws -> Any? {
var net = Network<Float>.tutorial(seed: 42)
let (x, y) = ToySets.xor(Float.self)
var sgd = Optimizer<Float>.gradientDescent(learningRate: 0.5)
net.forward(x)                          // z, a of every layer
let loss = net.computeLoss(target: y)   // ½ Σ (a − y)², and dLoss/da
net.backward(input: x)                  // δ, dW, db of every layer
sgd.step(&net)                          // W ← W − η dW, b ← b − η db
return nil
}

/// Sources/Backprop/Backprop.docc/Regression.md
@discardableResult func snippet_Regression() throws -> Any? {
var plan = TrainingPlan(data: "multi-gaussian")
plan.layers = [2, 16, 16, 1]
plan.activations = [.tanh]
plan.optimizer = .adam
plan.learningRate = 0.01
plan.epochs = 100
var run = try TrainingRun<Float>(plan: plan)
let result = run.run()
print(result.epochs.last?.loss ?? 0)                // ½ squared error, mean over the batch
return nil
}

/// Sources/Backprop/Backprop.docc/Regression.md
@discardableResult func snippet_Regression_1() throws -> Any? {
var csv = CSVOptions()
csv.task = .regression
let data = try Dataset<Float>.csv("x,y\n1,2\n2,4\n3,6\n", options: csv, file: "double.csv")
data.isClassification   // false
return nil
}

/// Sources/Backprop/Backprop.docc/SavingLoadingConverting.md
@discardableResult func snippet_SavingLoadingConverting() throws -> Any? {
var net = Network<Float>.tutorial(seed: 42)
let (x, y) = ToySets.xor(Float.self)
var sgd = Optimizer<Float>.gradientDescent(learningRate: 0.5)
net.train(x, y, epochs: 10_000, optimizer: &sgd)
try ModelFile(network: net).write(to: "xor.json")

let back = try ModelFile<Float>(contentsOf: "xor.json")
back.network.predict(x) == net.predict(x)          // true, bit for bit
return nil
}

/// Sources/Backprop/Backprop.docc/SavingLoadingConverting.md
@discardableResult func snippet_SavingLoadingConverting_1() throws -> Any? {
let model = try ModelFile<Float>(contentsOf: "xor.json")
try writeFileAtomically(model.safetensors(), to: "xor.safetensors")
let same = try ModelFile<Float>(safetensors: model.safetensors())
same.network.layers.count                           // 2
return nil
}

/// Sources/Backprop/Backprop.docc/ThePlayground.md
@discardableResult func snippet_ThePlayground() throws -> Any? {
var settings = PlaygroundSettings()            // spiral, 2-8-8-2 tanh, sgd η = 0.3
var run = try PlaygroundRun(settings: settings)
run.trainEpoch()
let weight = run.nextStepTrace().chain(layer: 2, neuron: 7, from: 1)!
print(weight.text)                             // W²[7][1] = …, sample by sample, the update
print(settings.commandLine(epochs: run.epochsDone))
return nil
}

/// Sources/Backprop/Backprop.docc/TrainingOnYourCSV.md
@discardableResult func snippet_TrainingOnYourCSV() throws -> Any? {
let text = "length,width,kind\n1.4,0.2,setosa\n4.7,1.4,versicolor\n5.9,2.1,virginica\n"
let data = try Dataset<Float>.csv(text, file: "flowers.csv")
data.features      // 2
data.classNames    // ["setosa", "versicolor", "virginica"]
return nil
}

/// Sources/Backprop/Backprop.docc/TrainingOnYourCSV.md
@discardableResult func snippet_TrainingOnYourCSV_1() throws -> Any? {
var plan = TrainingPlan(data: "examples/iris.csv")   // 150 flowers, 3 kinds
plan.layers = [4, 8, 3]
plan.learningRate = 0.05
plan.batch = 8
plan.epochs = 100
plan.testSplit = 0.3                                 // a seeded 30% held out for the test
var run = try TrainingRun<Float>(plan: plan)
let result = run.run()
print(result.epochs.last?.loss ?? 0, Evaluation(network: run.network, data: run.test ?? run.train).accuracy ?? 0)
try run.model.write(to: "iris.json")
return nil
}

/// Sources/Backprop/Backprop.docc/TrainingOnYourCSV.md
@discardableResult func snippet_TrainingOnYourCSV_2() throws -> Any? {
let model = try ModelFile<Float>(contentsOf: "iris.json")
let outputs = model.predict(Matrix([[5.1, 3.5, 1.4, 0.2]]))
print(model.classNames(of: outputs) ?? [])          // ["setosa"]
return nil
}

/// README.md
@discardableResult func snippet_README() throws -> Any? {
var net = Network<Float>.tutorial(seed: 42)
let (x, y) = ToySets.xor(Float.self)                 // x (4, 2), y (4, 1)
var sgd = Optimizer<Float>.gradientDescent(learningRate: 0.5)
net.train(x, y, epochs: 10_000, optimizer: &sgd)
print(net.predict(x).storage)                        // ≈ [0.02, 0.98, 0.98, 0.02]
try ModelFile(network: net).write(to: "xor.json")
return nil
}

/// README.md
@discardableResult func snippet_README_1() throws -> Any? {
var plan = TrainingPlan(data: "spiral")            // every default, checked in one place
plan.layers = [2, 16, 16, 2]
plan.activations = [.tanh]
plan.optimizer = .adam
plan.learningRate = 0.01
plan.epochs = 50
var run = try TrainingRun<Float>(plan: plan)       // data, split, scaling, network, optimizer
let result = run.run()                             // or run.step(), one batch at a time
print(result.epochs.count, Evaluation(network: run.network, data: run.test ?? run.train).accuracy ?? 0)
let model = run.model                              // weights, class names, scaling and the plan
print(model.classNames(of: model.predict(Matrix([[0.5, -1.5]]))) ?? [])   // ["0"] or ["1"]
try run.checkpoint.write(to: "spiral-ck.json")     // `backprop train --resume spiral-ck.json` goes on
return nil
}
