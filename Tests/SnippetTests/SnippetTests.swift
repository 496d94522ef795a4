import Foundation
import Testing

/// The documentation's Swift examples are kept verbatim in Snippets.swift, where they must
/// compile (this target builds only if they do). This test finds every example in the sources —
/// ```` ```swift ```` blocks in `///` doc comments, the DocC articles and the README — and checks
/// that each still appears there word for word (an `import` line aside), so an example cannot
/// change without being compiled again.
@Suite("Documentation examples compile")
struct SnippetTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every example: (file, text).
    static func examples() throws -> [(file: String, text: String)] {
        var out: [(String, String)] = []
        let sources = root.appendingPathComponent("Sources")
        let files = (FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String } ?? []).sorted()
        for file in files where file.hasSuffix(".swift") {
            let lines = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            var block: [String]? = nil
            for line in lines {
                let t = line.trimmingCharacters(in: .whitespaces)
                guard t.hasPrefix("///") else { block = nil; continue }
                var body = String(t.dropFirst(3))
                if body.hasPrefix(" ") { body.removeFirst() }
                if body.trimmingCharacters(in: .whitespaces) == "```swift" { block = []; continue }
                if block != nil && body.trimmingCharacters(in: .whitespaces) == "```" { out.append((file, block!.joined(separator: "\n"))); block = nil; continue }
                block?.append(body)
            }
        }
        var markdown = files.filter { $0.hasSuffix(".md") }.map { "Sources/" + $0 }
        markdown.append("README.md")
        for file in markdown {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            var rest = text[...]
            while let start = rest.range(of: "```swift\n"), let end = rest[start.upperBound...].range(of: "```") {
                out.append((file, String(rest[start.upperBound..<end.lowerBound]).trimmingCharacters(in: .newlines)))
                rest = rest[end.upperBound...]
            }
        }
        return out.map { ($0.0, $0.1.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("import ") }
            .joined(separator: "\n").trimmingCharacters(in: .newlines)) }
    }

    @Test("every Swift example of the doc comments, the DocC articles and the README is in Snippets.swift, verbatim")
    func everyExampleIsCompiled() throws {
        let compiled = try String(contentsOf: Self.root.appendingPathComponent("Tests/SnippetTests/Snippets.swift"), encoding: .utf8)
        let examples = try Self.examples()
        #expect(examples.count >= 50, "found only \(examples.count) examples")
        for (file, text) in examples {
            #expect(compiled.contains(text), "\(file): this example is not in Tests/SnippetTests/Snippets.swift (add it there, verbatim):\n\(text)")
        }
    }
}
