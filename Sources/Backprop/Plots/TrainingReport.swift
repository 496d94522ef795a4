/// A self-contained HTML page about one training run: the settings, the per-epoch table, the
/// health summary and the pictures, inline (no scripts, no external files).
///
/// ```swift
/// let html = TrainingReport(title: "spiral", settings: settings, result: result, health: health,
///                           pictures: [("loss", lossChart.svg())]).html
/// ```
public struct TrainingReport: Sendable {
    public var title: String
    public var settings: [(key: String, value: JSON)]
    public var result: TrainingResult
    public var test: Evaluation?
    public var health: TrainingHealth?
    public var pictures: [(title: String, svg: SVG)]

    public init(title: String, settings: [(key: String, value: JSON)], result: TrainingResult, test: Evaluation? = nil,
                health: TrainingHealth? = nil, pictures: [(title: String, svg: SVG)]) {
        self.title = title
        self.settings = settings
        self.result = result
        self.test = test
        self.health = health
        self.pictures = pictures
    }

    public var html: String {
        func e(_ s: String) -> String { SVG.escape(s) }
        func value(_ j: JSON) -> String { if case .string(let s) = j { return s } else { return j.serialized() } }
        func cell(_ x: Double?, _ digits: Int = 5) -> String {
            x.map { String(format: "%.\(digits)g", $0) } ?? ""
        }
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(e(title))</title>
            <style>
            body { font-family: sans-serif; margin: 2em auto; max-width: 980px; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; } td, th { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: right; }
            th { background: #f4f4f4; } td:first-child, th:first-child { text-align: left; }
            .warning { color: #b03030; } figure { display: inline-block; margin: 0.5em; vertical-align: top; }
            </style></head><body>
            <h1>\(e(title))</h1>

            """
        out += "<h2>Settings</h2>\n<table>\n" + settings.map { "<tr><td>\(e($0.key))</td><td>\(e(value($0.value)))</td></tr>" }.joined(separator: "\n") + "\n</table>\n"
        var summary = "trained \(plural(result.epochs.count, "epoch")) in \(String(format: "%.2f", result.trainSeconds)) s"
        if let test { summary += "; test loss \(cell(test.loss))" + (test.accuracy.map { ", test accuracy \(String(format: "%.4f", $0))" } ?? "") }
        if result.stoppedEarly { summary += "; stopped early, kept epoch \(result.bestEpoch)" }
        if let d = result.divergence { summary += "; diverged at epoch \(d.epoch), batch \(d.batch) (\(d.place))" }
        out += "<p>\(e(summary))</p>\n"
        if !pictures.isEmpty {
            out += "<h2>Pictures</h2>\n" + pictures.map { "<figure>\($0.svg.rendered)<figcaption>\(e($0.title))</figcaption></figure>" }.joined(separator: "\n") + "\n"
        }
        out += "<h2>Epochs</h2>\n<table>\n<tr><th>epoch</th><th>learning rate</th><th>loss</th><th>accuracy</th><th>validation loss</th><th>validation accuracy</th><th>seconds</th></tr>\n"
        for m in result.epochs {
            out += "<tr><td>\(m.epoch)</td><td>\(cell(m.learningRate, 4))</td><td>\(cell(m.loss))</td><td>\(cell(m.accuracy, 4))</td>"
                + "<td>\(cell(m.validationLoss))</td><td>\(cell(m.validationAccuracy, 4))</td><td>\(String(format: "%.3f", m.seconds))</td></tr>\n"
        }
        out += "</table>\n"
        if let health {
            out += "<h2>Health</h2>\n<p>On \(health.samples) training samples.</p>\n<table>\n<tr><th>layer</th><th>activation</th><th>‖dW‖</th><th>dead ReLUs</th><th>saturated</th><th>update/weight</th></tr>\n"
            for l in health.layers {
                out += "<tr><td>\(l.layer)</td><td>\(l.activation.rawValue)</td><td>\(cell(l.gradientNorm, 3))</td><td>\(l.deadFraction.map { String(format: "%.0f%%", $0 * 100) } ?? "")</td>"
                    + "<td>\(l.saturatedFraction.map { String(format: "%.0f%%", $0 * 100) } ?? "")</td><td>\(TrainingHealth.format(l.updateRatio))</td></tr>\n"
            }
            out += "</table>\n" + health.warnings.map { "<p class=\"warning\">\(e($0))</p>" }.joined(separator: "\n") + "\n"
        }
        return out + "</body></html>\n"
    }
}
