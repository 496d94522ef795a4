extension Exercise {
    /// The worksheet as JSON: `model` (the model file's JSON), `input`, `target`, `lr`,
    /// `tolerance` and `questions` (`id`, `symbol`, `quantity`, `layer`, `index`; with `key`,
    /// also `answer`).
    public func json(key: Bool = false) -> JSON {
        .object([
            ("model", ModelFile(network: network).json()),
            ("input", .array(input.map { .number($0) })),
            ("target", .array(target.map { .number($0) })),
            ("lr", .number(learningRate)),
            ("tolerance", .number(Self.tolerance)),
            ("questions", .array(questions.map { q in
                .object([("id", .string(q.id)), ("symbol", .string(q.symbol)), ("quantity", .string(q.quantity.rawValue)),
                         ("layer", .number(q.layer)), ("index", .array(q.index.map { .number($0) }))]
                        + (key ? [("answer", .number(q.answer))] : []))
            })),
        ])
    }

    /// A printable page: the network drawn, its numbers, and a blank per question in the order of
    /// the pass; with `key`, the answers and their working instead of the blanks. Nothing in it
    /// depends on the time or the machine: the same exercise gives the same page.
    public func worksheetHTML(title: String, key: Bool = false) -> String {
        func e(_ s: String) -> String { SVG.escape(s) }
        let sizes = network.sizes.map(String.init).joined(separator: "-")
        var out = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(e(title))</title>
        <style>
        body { font-family: sans-serif; max-width: 52rem; margin: 2rem auto; color: #222; }
        h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; border-bottom: 1px solid #ccc; }
        table.numbers td, table.numbers th { padding: 0.15rem 0.7rem; text-align: right; font-family: monospace; }
        ol.questions li { margin: 0.55rem 0; }
        .blank { display: inline-block; min-width: 9rem; border-bottom: 1px solid #444; }
        .answer { font-family: monospace; color: #0b5; } .working { font-family: monospace; font-size: 0.85rem; color: #555; }
        svg { max-width: 100%; height: auto; }
        @media print { body { margin: 0.5cm; } h2 { break-after: avoid; } }
        </style></head><body>
        <h1>\(e(title))\(key ? " — answer key" : "")</h1>
        <p>One training step of a \(sizes) network (\(e(network.layers.map { $0.activation.rawValue }.joined(separator: "/")))),
        \(e(network.loss == .squaredError ? "loss ½ Σ (a − y)²" : "loss " + network.loss.rawValue)), plain gradient descent with
        η = \(Self.short(learningRate)): <code>W ← W − η·dLoss/dW</code>, <code>b ← b − η·dLoss/db</code>.
        Give each answer to 4 significant digits (answers within \(Self.short(Self.tolerance * 100))% are right).</p>

        """
        out += NetworkDiagram.svg(network: network).rendered + "\n"
        out += "<h2>The numbers</h2>\n<table class=\"numbers\">\n"
        out += "<tr><th>x</th>" + input.map { "<td>\(Self.short($0))</td>" }.joined() + "</tr>\n"
        out += "<tr><th>y</th>" + target.map { "<td>\(Self.short($0))</td>" }.joined() + "</tr>\n"
        for (l, layer) in network.layers.enumerated() {
            let s = NetworkDiagram.sup(l + 1)
            for j in 0..<layer.outputSize {
                out += "<tr><th>W\(s)[\(j)]</th>" + (0..<layer.inputSize).map { "<td>\(Self.short(layer.weights[j, $0]))</td>" }.joined()
                    + "<th>b\(s)[\(j)]</th><td>\(Self.short(layer.biases[j]))</td></tr>\n"
            }
        }
        out += "</table>\n<p>W[j][k] connects input k to neuron j; a⁰ = x.</p>\n"
        var group: Quantity? = nil
        let headings: [Quantity: String] = [
            .z: "Forward: z = W a_prev + b, a = σ(z)", .a: "Forward: z = W a_prev + b, a = σ(z)", .loss: "The loss",
            .delta: "Backward: δ, from the output down", .dW: "Gradients: dLoss/dW = δ a_prevᵀ, dLoss/db = δ",
            .db: "Gradients: dLoss/dW = δ a_prevᵀ, dLoss/db = δ", .newW: "The update", .newB: "The update",
        ]
        for q in questions {
            if group.map({ headings[$0] != headings[q.quantity] }) ?? true {
                out += (group == nil ? "" : "</ol>\n") + "<h2>\(e(headings[q.quantity] ?? ""))</h2>\n<ol class=\"questions\">\n"
            }
            group = q.quantity
            out += "<li>\(e(q.symbol)) = " + (key ? "<span class=\"answer\">\(Self.full(q.answer))</span><br><span class=\"working\">\(e(working(q)))</span>"
                                                 : "<span class=\"blank\"></span>") + "</li>\n"
        }
        out += (group == nil ? "" : "</ol>\n") + "</body></html>\n"
        return out
    }
}

extension Exercise {
    /// A learner's answers from `{"<id>": number, …}` (`file` names the source in errors).
    /// An id that is no question's is an error (a typo would otherwise count as unanswered).
    public func answers(json text: String, file: String) throws(ExerciseError) -> [String: Double] {
        let root: JSON
        do { root = try JSON.parse(text) } catch { throw ExerciseError("\(file): not valid JSON: \(error)") }
        guard let members = root.members else { throw ExerciseError("\(file): expected an object of answers, {\"z1[0]\": 0.3775, …}") }
        var out: [String: Double] = [:]
        for (key, value) in members {
            guard question(key) != nil else {
                throw ExerciseError("\(file): no question \"\(key)\"; the ids are \(questions.prefix(4).map(\.id).joined(separator: ", ")), … (see --json)")
            }
            guard let number = value.number.flatMap(Double.init), number.isFinite else {
                throw ExerciseError("\(file): the answer to \"\(key)\" is not a number")
            }
            guard out[key] == nil else { throw ExerciseError("\(file): \"\(key)\" is answered twice; keep one") }
            out[key] = number
        }
        return out
    }
}
