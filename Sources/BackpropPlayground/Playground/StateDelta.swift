import Backprop

/// What one connection sends of each `state`: only what changed since the last one it sent (the
/// page keeps the rest), so that a state while training carries its new numbers and the changed
/// parts of its pictures, not the settings, the command line or a picture's unchanged lines again.
///
/// | message         | sent as                                                               |
/// |-----------------|-----------------------------------------------------------------------|
/// | the first state | every member                                                          |
/// | a later state   | `type` and the members whose value differs from the last sent          |
/// | a changed SVG   | when its changed lines are fewer bytes than the whole (with the same number of lines): `patches.NAME = [[line, text], …]` (0-based lines of the last one sent) instead of the whole text |
/// | anything else   | as it is                                                              |
///
/// ```swift
/// var delta = StateDelta()
/// let first = delta.text(Outgoing(state: [("type", .string("state")), ("epoch", .number(1))]))
/// let second = delta.text(Outgoing(state: [("type", .string("state")), ("epoch", .number(1))]))
/// // second == "{\"type\": \"state\"}"
/// ```
public struct StateDelta: Sendable {
    private var last: [String: JSON] = [:]
    private var lines: [String: [Substring]] = [:]

    public init() {}

    /// The text to send for `message`.
    public mutating func text(_ message: Outgoing) -> String {
        guard message.isState, !message.members.isEmpty else { return message.text }
        var changed: [(key: String, value: JSON)] = [], patches: [(key: String, value: JSON)] = []
        for (key, value) in message.members where key == "type" || last[key] != value {
            last[key] = value
            guard case .string(let text) = value, text.hasPrefix("<svg") else { lines[key] = nil; changed.append((key, value)); continue }
            // Split and compared as bytes: as Characters (grapheme clusters) it was 8% of a state's work.
            let new = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Substring.init)
            defer { lines[key] = new }
            if let old = lines[key], old.count == new.count {
                let differing = new.indices.filter { !old[$0].utf8.elementsEqual(new[$0].utf8) }
                // Patches when they are smaller than the text: each costs its line and ~12 bytes of `[n, "…"],`.
                if differing.reduce(0, { $0 + new[$1].utf8.count + 12 }) < text.utf8.count {
                    patches.append((key, .array(differing.map { .array([.number($0), .string(String(new[$0]))]) })))
                    continue
                }
            }
            changed.append((key, value))
        }
        if !patches.isEmpty { changed.append(("patches", .object(patches))) }
        return JSON.object(changed).serialized()
    }
}
