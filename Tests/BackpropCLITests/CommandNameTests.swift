import Backprop
import Foundation
import Testing
@testable import BackpropCommands

/// `--version`, and a mistyped command named with the nearest real one.
@Suite("Command names and the version")
struct CommandNameTests {
    @Test("--version prints the one version string")
    func version() throws {
        let run = try backprop(["--version"])
        #expect(run.status == 0 && run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == BackpropVersion.string)
    }

    @Test("a typo in the command: one line, the nearest command, exit 64", arguments: [
        (["trian", "--data", "xor"], "unknown command 'trian'; did you mean 'train'?"),
        (["expalin"], "unknown command 'expalin'; did you mean 'explain'?"),
        (["serv", "--port", "0"], "did you mean 'serve'?"),
        (["fly"], "unknown command 'fly' (commands: xor, explain, exercise, gradcheck, train"),
        (["XOR"], "unknown command 'XOR'; did you mean 'xor'?"),
        (["help", "trian"], "unknown command 'trian'; did you mean 'train'?"),
        (["help", "fly"], "unknown command 'fly' (commands: xor"),
    ] as [([String], String)])
    func typo(_ arguments: [String], _ message: String) throws {
        let run = try backprop(arguments)
        #expect(run.status == 64 && run.stderr.contains(message) && run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(!run.stderr.contains("backprop xor --help"), "the help hint names no command that was not given")
    }

    @Test("help names a command's help, or the whole help", arguments: [["help"], ["help", "train"], ["help", "--help"]])
    func help(_ arguments: [String]) throws {
        let run = try backprop(arguments)
        #expect(run.status == 0 && run.stdout.contains("USAGE: backprop") && run.stderr.isEmpty, "\(run.stderr)")
    }

    @Test func editDistance() {
        #expect(BackpropCommand.editDistance("trian", "train") == 2 && BackpropCommand.editDistance("", "xor") == 3)
        #expect(BackpropCommand.editDistance("serve", "serve") == 0 && BackpropCommand.editDistance("plot", "") == 4)
    }
}
