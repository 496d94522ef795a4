import Foundation
import Testing
@testable import Backprop

/// The playground in a real headless Chromium, driven through WebDriver (`chromedriver`).
///
/// Opt-in: `BACKPROP_BROWSER_TEST=1 swift test` (CI runs it; it needs Debian's `chromium` and
/// `chromium-driver`). `BACKPROP_SCREENSHOT=path.png` also keeps the mid-training screenshot.
@Suite("Playground in a browser", .enabled(if: ProcessInfo.processInfo.environment["BACKPROP_BROWSER_TEST"] == "1"))
struct BrowserTests {
    static let chromium = ProcessInfo.processInfo.environment["CHROMIUM"] ?? "/usr/bin/chromium"
    static let chromedriver = ProcessInfo.processInfo.environment["CHROMEDRIVER"] ?? "/usr/bin/chromedriver"

    func number(_ v: JSON?) -> Double { v?.number.flatMap(Double.init) ?? .nan }

    @Test("train the spiral in the page, click a weight: the panel's numbers are backprop explain's, before and after a step")
    func spiralHandByHand() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The server, as a user starts it.
        let server = try startProcess(try backpropBinary().path, ["serve", "--port", "0"], output: folder.appendingPathComponent("serve.log"))
        defer { server.terminate(); server.waitUntilExit() }
        let url = try await waitFor("the server's URL", seconds: 120) { () -> String? in
            let log = (try? String(contentsOf: folder.appendingPathComponent("serve.log"), encoding: .utf8)) ?? ""
            return log.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("http://") }.map(String.init)
        }
        // chromedriver on a free port.
        let port = 20000 + Int.random(in: 0..<20000)
        let driverProcess = try startProcess(Self.chromedriver, ["--port=\(port)"], output: folder.appendingPathComponent("chromedriver.log"))
        defer { kill(driverProcess.processIdentifier, SIGKILL); driverProcess.waitUntilExit() }   // it ignores SIGTERM
        let driverURL = "http://127.0.0.1:\(port)"
        _ = try await waitFor("chromedriver", seconds: 30) { try await WebDriver.call("GET", driverURL + "/status")["ready"] == .bool(true) ? true : nil }
        let browser = try await WebDriver.start(driver: driverURL, chromium: Self.chromium, width: 1500, height: 1650)
        do {
            try await run(browser, url: url, folder: folder)
        } catch {
            let shot = try? await browser.screenshot()
            try? shot?.write(to: URL(fileURLWithPath: "/tmp/backprop-browser-failure.png"))
            await browser.quit()
            throw error
        }
        await browser.quit()
    }

    func run(_ browser: WebDriver, url: String, folder: URL) async throws {
        try await browser.open(url)
        _ = try await waitFor("the first state", seconds: 30) { try await browser.script("return document.getElementById('train-loss').dataset.value || null").string }
        // The spiral, as fast as the server goes; play.
        try await browser.click("button[data-set=spiral]")
        _ = try await browser.script("const s = document.getElementById('speed'); s.value = '0'; s.dispatchEvent(new Event('change')); return 1")
        try await browser.click("#play")
        func shownLoss() async throws -> Double {
            Double(try await browser.script("return document.getElementById('train-loss').dataset.value || null").string ?? "") ?? .nan
        }
        let start = try await shownLoss()
        // Mid-training: click a weight of the second hidden layer while it learns; the panel follows it live.
        _ = try await waitFor("the loss to fall below 0.35", seconds: 120) { try await shownLoss() < 0.35 ? true : nil }
        _ = try await waitFor("a click on a weight", seconds: 20) { () -> Bool? in
            try await browser.pointerClick("#w-2-3-5")
            return try await browser.script("return document.getElementById('chain').dataset.parameter || null").string != nil ? true : nil
        }
        let shot = try await browser.screenshot()
        try shot.write(to: folder.appendingPathComponent("playground.png"))
        if let keep = ProcessInfo.processInfo.environment["BACKPROP_SCREENSHOT"] { try shot.write(to: URL(fileURLWithPath: keep)) }
        let loss = try await waitFor("the loss to fall below 0.25", seconds: 180) { () -> Double? in
            let l = try await shownLoss()
            return l < 0.25 ? l : nil
        }
        #expect(loss < start)
        try await browser.click("#pause")
        _ = try await waitFor("the page to show it paused", seconds: 20) {
            try await browser.script("return document.getElementById('status').textContent === 'paused' ? 1 : null").number
        }
        try await comparePanelWithExplain(browser, folder: folder)
        // One step: the panel moves to the next batch, and still agrees.
        let before = try await browser.script("return document.getElementById('chain').dataset.step").string
        try await browser.click("#step")
        _ = try await waitFor("the panel to show the next step", seconds: 20) {
            try await browser.script("return document.getElementById('chain').dataset.step").string != before ? true : nil
        }
        try await comparePanelWithExplain(browser, folder: folder)
    }

    /// The panel's parameter, value, δ per sample, dW and W − η·dW, against `backprop explain
    /// --parameter … --json` on the model and batch the page exports.
    func comparePanelWithExplain(_ browser: WebDriver, folder: URL) async throws {
        let panel = try await browser.script("""
            const box = document.getElementById('chain');
            const v = (id) => document.getElementById(id).dataset.value;
            return {parameter: box.dataset.parameter, value: v('chain-value'), gradient: v('chain-gradient'), updated: v('chain-updated'),
                    deltas: [...box.querySelectorAll('td.delta')].map((td) => td.dataset.value),
                    model: document.getElementById('export-model').href}
            """)
        let parameter = try #require(panel["parameter"]?.string)
        let modelURL = try #require(panel["model"]?.string)
        let model = try String(contentsOf: URL(string: modelURL)!, encoding: .utf8)
        let explain = try String(contentsOf: URL(string: modelURL.replacingOccurrences(of: "model.json", with: "explain.txt"))!, encoding: .utf8)
        try model.write(to: folder.appendingPathComponent("model.json"), atomically: true, encoding: .utf8)
        let cli = try runExplain(command: explain, parameter: parameter, in: folder)
        func shown(_ key: String) -> Double { panel[key]?.string.flatMap(Double.init) ?? .nan }
        for key in ["value", "gradient", "updated"] {
            #expect(shown(key) == number(cli[key]), "\(parameter) \(key): page \(shown(key)), explain \(number(cli[key]))")
        }
        let deltas = try #require(panel["deltas"]?.array).map { $0.string.flatMap(Double.init) ?? .nan }
        let expected = try #require(cli["samples"]?.array).map { number($0["delta"]) }
        #expect(deltas == expected && !deltas.isEmpty)
    }
}
