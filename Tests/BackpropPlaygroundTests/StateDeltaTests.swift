import Backprop
import Testing
@testable import BackpropPlayground

/// What a connection sends of each state: only what changed, an SVG's changed lines as patches,
/// and a page that applies them (as playground.js does) ends with exactly the session's state.
@Suite struct StateDeltaTests {
    /// The page's merge: members replace, patches replace lines of the last text.
    static func merge(_ page: inout [String: JSON], _ text: String) throws {
        let message = try JSON.parse(text)
        for (key, value) in message.members ?? [] where key != "patches" { page[key] = value }
        for (name, changes) in message["patches"]?.members ?? [] {
            var lines = (page[name]?.string ?? "").utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                .map { String(Substring($0)) }                          // as playground.js splits: by "\n" alone
            for change in changes.array ?? [] {
                let i = Int(change.array?[0].number ?? "") ?? -1
                lines[i] = change.array?[1].string ?? ""
            }
            page[name] = .string(lines.joined(separator: "\n"))
        }
    }

    @Test func onlyWhatChangedIsSent() throws {
        var delta = StateDelta()
        let a = Outgoing(state: [("type", .string("state")), ("epoch", .number(1)), ("command", .string("backprop train"))])
        #expect(delta.text(a) == #"{"type": "state", "epoch": 1, "command": "backprop train"}"#)
        #expect(delta.text(a) == #"{"type": "state"}"#)
        let b = Outgoing(state: [("type", .string("state")), ("epoch", .number(2)), ("command", .string("backprop train"))])
        #expect(delta.text(b) == #"{"type": "state", "epoch": 2}"#)
        #expect(delta.text(Outgoing(text: #"{"type":"error"}"#, isState: false)) == #"{"type":"error"}"#)
    }

    /// A session trained epoch by epoch: every state the page rebuilds from the deltas equals the
    /// session's whole state, and a step's is less than half the whole (a selection redraws the network and
    /// rings the batch's points: more changes).
    @Test func thePageRebuildsEveryState() async throws {
        let session = try PlaygroundSession(settings: PlaygroundSettings()) { _ in }
        var delta = StateDelta()
        var page: [String: JSON] = [:]
        var sent: [Int] = [], whole: [Int] = []
        for round in 0..<6 {
            let message = round == 3 ? #"{"type":"select","parameter":"w-2-1-3"}"# : #"{"type":"step"}"#
            let reply = try #require(await session.receive(message).first)
            let text = delta.text(reply)
            try Self.merge(&page, text)
            for (key, value) in reply.members { #expect(page[key] == value, "\(key) after round \(round)") }
            (sent, whole) = (sent + [text.utf8.count], whole + [reply.text.utf8.count])
        }
        #expect(sent[0] == whole[0], "the first state is sent whole")
        for i in [1, 2, 4, 5] { #expect(sent[i] * 2 < whole[i], "state \(i): \(sent[i]) bytes of \(whole[i])") }   // steps
    }

    /// An SVG goes as patches exactly when they are fewer bytes than the whole: many short lines
    /// changed beside a long unchanged one are patches; every line changed is the whole text.
    @Test func patchesWhenSmallerThanTheWhole() {
        func svg(_ lines: [String]) -> Outgoing {
            Outgoing(state: [("type", .string("state")), ("p", .string((["<svg>"] + lines).joined(separator: "\n")))])
        }
        let long = String(repeating: "x", count: 2000)
        var delta = StateDelta()
        _ = delta.text(svg(["a", "b", "c", "d", long, "</svg>"]))
        let fourOfSeven = delta.text(svg(["A", "B", "C", "D", long, "</svg>"]))     // more than half the lines
        #expect(fourOfSeven.contains("patches") && !fourOfSeven.contains(long), "4 of 7 lines changed, but few bytes")
        let all = delta.text(Outgoing(state: [("type", .string("state")), ("p", .string((["<svg >", "1", "2", "3", "4", String(repeating: "y", count: 2000), "<end>"]).joined(separator: "\n")))]))
        #expect(!all.contains("patches") && all.contains("yyyy"), "every line changed: the whole text is smaller")
    }

    /// Lines are split and compared as bytes: a line with `−`, `é` or `σ′` is patched whole and
    /// exactly, an empty line and a last line without a newline survive, and two spellings of `é`
    /// that Swift's `==` calls equal (precomposed, and `e` + a combining accent) are two
    /// different lines: the page must get the bytes the server drew.
    @Test func linesAreBytes() throws {
        func svg(_ lines: [String]) -> Outgoing {
            Outgoing(state: [("type", .string("state")), ("p", .string((["<svg>"] + lines).joined(separator: "\n")))])
        }
        let long = String(repeating: "x", count: 400)
        var delta = StateDelta()
        var page: [String: JSON] = [:]
        let first = svg(["−1 σ′(z)", "", "caf\u{E9}", long, "</svg>"])
        try Self.merge(&page, delta.text(first))
        let second = svg(["−2 σ′(z)", "", "cafe\u{301}", long, "</svg>"])
        let text = delta.text(second)
        #expect(text.contains("patches") && !text.contains(long))
        try Self.merge(&page, text)
        #expect(page["p"] == second.members.first { $0.key == "p" }?.value)      // (JSON compares bytes)
        #expect(page["p"]?.string?.utf8.contains(0xCC) == true, "the combining accent arrived")
        // The only change a re-spelling: still sent.
        let third = svg(["−2 σ′(z)", "", "caf\u{E9}", long, "</svg>"])
        try Self.merge(&page, delta.text(third))
        #expect(page["p"]?.string?.utf8.elementsEqual((third.members.first { $0.key == "p" }?.value.string ?? "").utf8) == true)
    }

    /// A selection redraws nothing but the network (the other pictures come from the cache).
    @Test func aSelectionRedrawsOnlyTheNetwork() async throws {
        let session = try PlaygroundSession(settings: PlaygroundSettings()) { _ in }
        let before = try #require(await session.receive(#"{"type":"step"}"#).first).members
        let after = try #require(await session.receive(#"{"type":"select","parameter":"n-1-0"}"#).first).members
        func value(_ m: [(key: String, value: JSON)], _ k: String) -> JSON? { m.first { $0.key == k }?.value }
        #expect(value(before, "loss") == value(after, "loss") && value(before, "parameters") == value(after, "parameters"))
        #expect(value(before, "network") != value(after, "network"))
    }
}
