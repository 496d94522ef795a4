import Backprop
import Foundation

/// A message for the page: JSON text, and whether it is a periodic `state` (the play loop sends
/// the next one only after the page's connection has taken this one — see ``PlaygroundSession/delivered()``).
public struct Outgoing: Sendable {
    /// A `state`'s members (empty for other messages); ``StateDelta`` sends only those that changed.
    public var members: [(key: String, value: JSON)]
    private var fixedText: String?
    public var isState: Bool
    /// The whole message as JSON text.
    public var text: String { fixedText ?? JSON.object(members).serialized() }

    public init(text: String, isState: Bool) { (fixedText, members, self.isState) = (text, [], isState) }
    /// A `state` message made of `members`.
    public init(state members: [(key: String, value: JSON)]) { (fixedText, self.members, isState) = (nil, members, true) }
}

/// One browser tab's playground: its settings, its training run, and what is selected.
///
/// Messages from the page are JSON objects with a `type`:
///
/// | type        | members                                   | does                                        |
/// |-------------|-------------------------------------------|---------------------------------------------|
/// | `configure` | any of ``PlaygroundSettings``'s           | new data and network (paused); η, λ, λ₁ and the batch alone change the run as it goes, the view settings only the pictures |
/// | `play`      |                                           | trains in the background, streams `state`   |
/// | `pause`     |                                           | stops training                              |
/// | `step`      |                                           | pauses, then trains one batch               |
/// | `reset`     | `seed` (optional; else a new one)         | new weights (same data), epoch 0            |
/// | `newData`   | `dataSeed` (optional; else a new one)     | new data (same weight seed), epoch 0        |
/// | `speed`     | `epochsPerSecond` (0: as fast as it goes) | pace of `play`                              |
/// | `select`    | `parameter`: `"w-l-j-k"`, `"n-l-j"`, null | the parameter the hand-by-hand panel shows  |
/// | `edit`      | `parameter`, `value`                      | pauses, sets that weight or bias            |
///
/// Every message is answered: a `state` (epoch, losses, pictures, the selected parameter's
/// chain rule for the next step), or an `error` with a message — a bad message never stops the
/// session. Training runs in ``play()``'s task, off the connection's read loop, in slices of at
/// most ~15 ms, and sends at most one `state` per `updateInterval`.
public actor PlaygroundSession {
    public nonisolated let id: String
    public private(set) var run: PlaygroundRun
    public private(set) var playing = false
    /// Epochs per second while playing; 0: as fast as the machine goes.
    public private(set) var speed = 30.0
    /// The selected parameter: 1-based layer, neuron, and source neuron (nil: the bias).
    public private(set) var selection: (layer: Int, neuron: Int, from: Int?)? = nil
    private let send: @Sendable (Outgoing) -> Void
    private let updateInterval: Duration
    private var playTask: Task<Void, Never>? = nil
    private var stateInFlight = false
    /// Why the run last started over, until the next play or step.
    private var restartNote: String? = nil
    /// The "Quiz me" exercise on the selected parameter (nil: none running); any change ends it.
    var quiz: Exercise? = nil
    /// How many messages were refused.
    public private(set) var refused = 0
    /// Bumped whenever `run` is replaced (a restart, new weights, new data): with the run's step
    /// and edit counts it tells whether the network changed since a picture was drawn.
    private var generation = 0
    /// The pictures last drawn, each with what it was drawn from: drawn again only when that changes.
    private var pictures: [String: (key: String, value: JSON)] = [:]
    private var marksCache: (key: String, marks: [[String?]])?

    /// The largest message taken: a CSV of up to 1 MB inside a `configure`. JSON doubles each
    /// newline, tab, quote and backslash of it (`\n`), so twice the CSV, and room for the rest;
    /// the page checks its message against this number (sent in `hello`) before sending, for the
    /// control characters that take 6 bytes (`\u0001`). A larger message closes the connection.
    public static let maxMessageBytes = 2 * PlaygroundSettings.maxCSVBytes + 4096

    /// A session with the default settings; `send` takes the messages the play loop produces.
    public init(id: String = PlaygroundSession.newID(), settings: PlaygroundSettings = PlaygroundSettings(),
                updateInterval: Duration = .milliseconds(100), send: @escaping @Sendable (Outgoing) -> Void) throws(PlaygroundError) {
        self.id = id
        self.run = try PlaygroundRun(settings: settings)
        self.send = send
        self.updateInterval = updateInterval
    }

    /// 128 random bits in hex: a session's name in export links.
    public static func newID() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(g.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }

    /// The first message for the page: the session's id and settings, then its state.
    public func hello() -> [Outgoing] {
        let hello = JSON.object([("type", .string("hello")), ("session", .string(id)), ("settings", run.settings.json),
                                 ("speed", .number(speed)), ("defaults", PlaygroundSettings().json),
                                 ("maxMessageBytes", .number(Double(Self.maxMessageBytes))),
                                 ("maxCSVBytes", .number(Double(PlaygroundSettings.maxCSVBytes)))])
        return [Outgoing(text: hello.serialized(), isState: false), state()]
    }

    /// Handles one text message from the page and returns the replies.
    public func receive(_ text: String) -> [Outgoing] {
        do {
            return try handle(text)
        } catch {
            refused += 1
            return [Self.error(error.message, settings: run.settings)]
        }
    }

    /// The reply to a message the session cannot read (a binary frame, one too large).
    public func refuse(_ message: String) -> Outgoing {
        refused += 1
        return Self.error(message)
    }

    /// An `error` reply; with `settings`, the settings still in force (so that a page whose
    /// control was refused can show the value that still holds).
    static func error(_ message: String, settings: PlaygroundSettings? = nil) -> Outgoing {
        var members: [(key: String, value: JSON)] = [("type", .string("error")), ("message", .string(message))]
        if let settings { members.append(("settings", settings.json)) }
        return Outgoing(text: JSON.object(members).serialized(), isState: false)
    }

    private func handle(_ text: String) throws(PlaygroundError) -> [Outgoing] {
        guard text.utf8.count <= Self.maxMessageBytes else { throw PlaygroundError("message too large (\(text.utf8.count) bytes; at most \(Self.maxMessageBytes))") }
        let message: JSON
        do { message = try JSON.parse(text, maxDepth: 8) } catch { throw PlaygroundError("not JSON: \(error)") }
        guard let type = message["type"]?.string else { throw PlaygroundError("expected a JSON object with a \"type\" string") }
        switch type {
        case "configure":
            var settings = run.pending ?? run.settings
            try settings.apply(message)
            if settings == (run.pending ?? run.settings) && run.divergence == nil { break }     // the same again (a button pressed twice): nothing to do
            let keys = Set((message.members ?? []).map(\.key)).subtracting(["type"])
            if keys.isSubset(of: PlaygroundSettings.liveKeys.union(PlaygroundSettings.viewKeys)) && run.divergence == nil {
                try run.change(to: settings)          // no restart: from the next epoch on (pictures at once)
            } else {
                let fresh = try PlaygroundRun(settings: settings)
                let trained = run.steps > 0
                pause()
                run = fresh
                generation += 1
                let changed = keys.subtracting(PlaygroundSettings.liveKeys.union(PlaygroundSettings.viewKeys)).sorted().joined(separator: ", ")
                restartNote = !trained ? nil : changed.isEmpty
                    ? "after the divergence, training starts again from epoch 0 with these settings (press play)"
                    : "\(changed) cannot change mid-run, so training starts again from epoch 0 (press play)"
                if let s = selection, run.network.sizes.count <= s.layer || run.network.sizes[s.layer] <= s.neuron
                    || (s.from.map { run.network.sizes[s.layer - 1] <= $0 } ?? false) { selection = nil }
            }
        case "play":
            restartNote = nil
            if let d = run.divergence { throw PlaygroundError("cannot play: training diverged (\(d))") }
            play()
        case "pause": pause()
        case "step":
            restartNote = nil
            pause()
            guard run.step() else { throw PlaygroundError("training diverged: \(run.divergence ?? "a non-finite number")") }
        case "reset", "newData":
            var settings = run.pending ?? run.settings
            let key = type == "reset" ? "seed" : "dataSeed"
            var fresh: UInt64 = 0
            while fresh == 0 || fresh == (type == "reset" ? settings.seed : settings.dataSeed) { fresh = UInt64.random(in: 1...999_999) }
            try settings.apply(.object([(key, message[key] ?? .number(Int(fresh)))]))
            pause()
            run = try PlaygroundRun(settings: settings)
            generation += 1
        case "edit":
            guard let target = try parseParameter(message["parameter"] ?? .null) else { throw PlaygroundError("edit: give \"parameter\": \"w-l-j-k\" or \"n-l-j\"") }
            guard let text = message["value"]?.number, let value = Float(text), value.isFinite, abs(value) <= 1e6 else {
                throw PlaygroundError("edit: value must be a number between -1000000 and 1000000")
            }
            pause()
            try run.edit(layer: target.layer, neuron: target.neuron, from: target.from, to: value)
            selection = target
        case "speed":
            guard let v = message["epochsPerSecond"]?.number.flatMap(Double.init), v.isFinite, v >= 0, v <= 10_000 else {
                throw PlaygroundError("speed: epochsPerSecond must be a number from 0 (as fast as possible) to 10000")
            }
            speed = v
            if playing { pause(); play() }
        case "select":
            guard let value = message["parameter"] else { throw PlaygroundError("select: give \"parameter\": \"w-l-j-k\", \"n-l-j\" or null") }
            selection = try parseParameter(value)
        case "quiz":
            pause()
            return [state(), try startQuiz()]             // the state says "paused" to a page that was playing
        case "quizAnswer":
            return [try answerQuiz(message)]
        default:
            throw PlaygroundError("unknown message type '\(CSVOptions.excerpt(type))'; expected configure, play, pause, step, reset, newData, speed, select, edit, quiz or quizAnswer")
        }
        quiz = nil                       // the network, the batch or the selection may have changed
        return [state()]
    }

    /// `"w-2-0-1"` → W²[0][1]; `"n-2-0"` → b²[0]; null → nothing selected.
    func parseParameter(_ value: JSON) throws(PlaygroundError) -> (layer: Int, neuron: Int, from: Int?)? {
        if value == .null { return nil }
        guard let s = value.string else { throw PlaygroundError("select: parameter must be a string such as \"w-2-0-1\" or \"n-2-0\"") }
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        let numbers = parts.dropFirst().map { Int($0) }
        guard parts.count == (parts.first == "w" ? 4 : 3), parts.first == "w" || parts.first == "n",
              numbers.allSatisfy({ ($0 ?? -1) >= 0 && $0! < 1000 }) else {
            throw PlaygroundError("select: '\(CSVOptions.excerpt(s))' is not a parameter; expected w-layer-neuron-from or n-layer-neuron")
        }
        let sizes = run.network.sizes
        let (l, j) = (numbers[0]!, numbers[1]!)
        guard l >= 1 && l < sizes.count else {
            throw PlaygroundError(l == 0 ? "inputs have no weights or biases; click a neuron of a hidden or the output layer"
                                         : "select: layer \(l) does not exist (layers 1…\(sizes.count - 1))")
        }
        guard j < sizes[l] else { throw PlaygroundError("select: layer \(l) has neurons 0…\(sizes[l] - 1)") }
        let k = parts.first == "w" ? numbers[2]! : nil
        if let k, k >= sizes[l - 1] { throw PlaygroundError("select: layer \(l) takes inputs 0…\(sizes[l - 1] - 1)") }
        return (l, j, k)
    }

    /// Starts training in the background.
    public func play() {
        guard !playing, run.divergence == nil else { return }
        playing = true
        playTask = Task { await self.playLoop() }
    }

    /// Stops training (after the current batch).
    public func pause() {
        playing = false
        playTask?.cancel()
        playTask = nil
    }

    /// The page's connection has written the last `state`: the next one may be sent.
    public func delivered() { stateInFlight = false }

    /// The tab is gone: stop training.
    public func close() { pause() }

    private func playLoop() async {
        let clock = ContinuousClock()
        let started = clock.now, epochsAtStart = run.epochsDone
        var lastSent = clock.now - updateInterval
        while playing && !Task.isCancelled {
            let sliceEnd = clock.now + .milliseconds(15)
            var trained = false
            while clock.now < sliceEnd {
                if speed > 0 && Double(run.epochsDone - epochsAtStart) >= (clock.now - started).seconds * speed { break }
                guard run.step() else { playing = false; break }
                trained = true
            }
            if clock.now - lastSent >= updateInterval || !playing, !stateInFlight {
                stateInFlight = true
                lastSent = clock.now        // from the start of the state: one every interval, not interval + its cost
                send(state())
            }
            if trained { await Task.yield() } else { try? await Task.sleep(for: .milliseconds(5)) }
        }
    }

    /// The page's view of the session: counters, losses, pictures, the settings in force, and
    /// the selected parameter's chain rule for the next step (the numbers `backprop explain` prints).
    public func state() -> Outgoing {
        let last = run.history[run.history.count - 1]
        func number(_ x: Double?) -> JSON { x.map { .number($0) } ?? .null }
        var members: [(key: String, value: JSON)] = [
            ("type", .string("state")), ("playing", .bool(playing)),
            ("epoch", .number(run.epochsDone)), ("step", .number(run.steps)),
            ("batch", .number(run.nextBatch)), ("batches", .number(run.batchesPerEpoch)),
            ("trainLoss", .number(last.train)), ("testLoss", .number(last.test)),
            ("trainAccuracy", number(last.trainAccuracy)), ("testAccuracy", number(last.testAccuracy)), ("testR2", number(last.testR2)),
            ("batchLoss", number(run.lastBatchLoss)),
            ("diverged", run.divergence.map { .string($0) } ?? .null),
            ("settings", run.settings.json),
            ("pending", run.pending.map { p in .string(run.pendingDescription(p)) } ?? .null),
            ("restarted", restartNote.map { .string($0) } ?? .null),
            ("command", .string(run.commandLine)),
            ("explainCommand", .string(run.explainCommand())),
            ("boundary", picture("boundary", "\(selection == nil ? "" : "\(run.nextBatch)")") {
                .string(run.boundarySVG(highlighted: selection == nil ? [] : Array(run.nextBatchIndices)).rendered)
            }),
            ("network", picture("network", selectionID ?? "") {
                .string(run.networkSVG(selected: selectionID, tooltips: false, marks: currentMarks()).rendered)
            }),
            ("parameters", picture("parameters", "") { run.parametersJSON(marks: currentMarks()) }),
            ("loss", picture("loss", "", key: "\(generation) \(run.history.count)") { .string(run.lossSVG().rendered) }),
        ]
        members.append(("chain", selectedChain() ?? .null))
        return Outgoing(state: members)
    }

    /// Picture `name`, drawn again only when the network, the view settings or `detail` changed
    /// (or, when `key` is given, only when `key` changed: the loss chart changes once an epoch).
    private func picture(_ name: String, _ detail: String, key: String? = nil, draw: () -> JSON) -> JSON {
        let s = run.settings
        let key = key ?? "\(generation) \(run.steps) \(run.edits.count) \(run.history.count) \(s.batch) \(s.showTest) \(s.discretize) \(s.edgesByGradient) \(detail)"
        if let cached = pictures[name], cached.key == key { return cached.value }
        let value = draw()
        pictures[name] = (key, value)
        return value
    }

    /// The dead and saturated neurons of the network as it is now, found once for the network
    /// picture and the parameters (each of which would otherwise run the training set through it).
    private func currentMarks() -> [[String?]] {
        let key = "\(generation) \(run.steps) \(run.edits.count)"
        if let cached = marksCache, cached.key == key { return cached.marks }
        let marks = run.neuronMarks()
        marksCache = (key, marks)
        return marks
    }

    /// The selection as the page names it: `w-l-j-k` or `n-l-j`.
    var selectionID: String? {
        selection.map { s in s.from.map { "w-\(s.layer)-\(s.neuron)-\($0)" } ?? "n-\(s.layer)-\(s.neuron)" }
    }

    /// The selected parameter's chain rule in the next step, with the optimizer's rule and the
    /// value training will give it (Float32, from the step itself).
    func selectedChain() -> JSON? {
        guard let s = selection, !run.nextBatchIndices.isEmpty,                // (no next batch: no step to show)
              let chain = run.nextStepTrace().chain(layer: s.layer, neuron: s.neuron, from: s.from),
              case .object(var members) = chain.json else { return nil }
        members.append(("optimizer", .string(run.settings.optimizer.rawValue)))
        members.append(("batch_indices", .array(run.nextBatchIndices.map { .number($0) })))
        members.append(("epoch", .number(run.epochsDone + 1)))
        members.append(("batch", .number(run.nextBatch + 1)))
        if let after = run.valueAfterNextStep(layer: s.layer, neuron: s.neuron, from: s.from) {
            members.append(("after_step", .string(after.description)))
        }
        return .object(members)
    }

    /// A file for the page's export links: `model.json`, `boundary.svg`, `network.svg`,
    /// `loss.svg`, `step.svg` (the next step annotated, as `backprop explain --svg`),
    /// `checkpoint.json` (the network and the optimizer's state now, for `explain --state`),
    /// `command.txt` (`backprop train …`), `explain.txt` (`backprop explain …` for the next step).
    public func export(_ name: String) -> (contentType: String, body: String)? {
        switch name {
        case "model.json": return ("application/json", run.model.text)
        case "checkpoint.json": return ("application/json", run.checkpoint.json.serialized(pretty: true) + "\n")
        case "boundary.svg": return ("image/svg+xml", run.boundarySVG(resolution: 120).rendered)
        case "network.svg": return ("image/svg+xml", run.networkSVG(resolution: 40).rendered)
        case "loss.svg": return ("image/svg+xml", run.lossSVG().rendered)
        case "step.svg": return ("image/svg+xml", NetworkDiagram.svg(network: run.networkAsWritten, trace: run.nextStepTrace()).rendered)
        case "command.txt": return ("text/plain; charset=utf-8", run.commandLine + "\n")
        case "explain.txt": return ("text/plain; charset=utf-8", run.explainCommand() + "\n")
        default: return nil
        }
    }
}

extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
