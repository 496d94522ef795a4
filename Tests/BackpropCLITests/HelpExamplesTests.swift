import ArgumentParser
import Foundation
import Testing
@testable import BackpropCommands

/// The `--help` examples are for copying: at 80 columns no line wraps (a long command continues
/// with ` \`), and every example parses as the command it shows. `scripts/check-readme` runs them.
@Suite struct HelpExamplesTests {
    /// Each subcommand's discussion and its help as ArgumentParser prints it at 80 columns.
    static func helps() -> [(name: String, text: String, printed: String)] {
        BackpropCommand.configuration.subcommands.map { command in
            (command.configuration.commandName ?? "", command.configuration.discussion,
             BackpropCommand.helpMessage(for: command, columns: 80))
        }
    }

    /// The examples of a help text: the lines after `Examples:`, continuation lines joined, with
    /// the `# comment` cut.
    static func examples(_ help: String) -> [String] {
        guard let start = help.range(of: "Examples:\n") else { return [] }
        var commands: [String] = []
        var current = ""
        for raw in help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            line = line.trimmingCharacters(in: .whitespaces)
            if current.isEmpty && !line.hasPrefix("backprop ") && line != "backprop" { break }
            if line.hasSuffix("\\") { current += line.dropLast() ; continue }
            commands.append(current + line)
            current = ""
        }
        return commands
    }

    @Test("at 80 columns every example line is printed whole, as written")
    func noWrapping() {
        for (name, text, printed) in Self.helps() {
            let lines = Set(printed.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
            let examples = text.components(separatedBy: "Examples:\n").dropFirst().joined()
            for line in examples.split(separator: "\n") {
                #expect(lines.contains(line.trimmingCharacters(in: .whitespaces)), "backprop \(name) --help wraps: \(line)")
                #expect(line.count <= 78, "backprop \(name) --help: \(line)")
            }
        }
    }

    @Test("every subcommand's help has examples, and each parses as that subcommand")
    func examplesParse() throws {
        for (name, _, printed) in Self.helps() {
            let examples = Self.examples(printed)
            #expect(!examples.isEmpty, "backprop \(name) --help has no examples")
            for example in examples {
                var words = example.split(separator: " ").map(String.init).dropFirst()   // "backprop"
                if let redirect = words.firstIndex(of: ">") { words = words[..<redirect] }
                let command = try BackpropCommand.parseAsRoot(Array(words))
                #expect(type(of: command).configuration.commandName == name, "\(example)")
            }
        }
    }

    @Test("the examples are read as a shell reads them: continuations joined, comments cut")
    func exampleReading() {
        let help = "Examples:\n  backprop xor   # the tutorial\n  backprop train --data spiral \\\n      --epochs 3\n\nOPTIONS:\n"
        #expect(Self.examples(help) == ["backprop xor", "backprop train --data spiral --epochs 3"])
    }
}
