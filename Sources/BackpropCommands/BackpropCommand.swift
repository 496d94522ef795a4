import ArgumentParser
import Backprop
import Foundation

/// `backprop` and its subcommands.
public struct BackpropCommand: AsyncParsableCommand {
    public init() {}

    /// Parses the program's arguments and runs the command they name, as `@main` would — but
    /// an error is one line on stderr (argument-parser would add its usage lines to a usage
    /// error), with its exit code: 64 for usage, 1 for input, the command's own otherwise.
    public static func start() async {
        Interrupt.shared.listen()                 // Ctrl-C at any moment: exit 130, never a signal death
        signal(SIGPIPE, SIG_IGN)                  // a closed stdout (| head) must not lose a trained model
        do {
            do {
                try checkCommandName()
                var command = try parseAsRoot()
                if var asyncCommand = command as? AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            } catch where exitCode(for: error) == .success {
                print(fullMessage(for: error))                      // --help, --version
            }
            try checkStandardOutput()                               // what was printed reached its reader
        } catch {
            let code = exitCode(for: error)
            let message = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            if !message.isEmpty {
                let hint = code == .validationFailure ? " (see backprop \(helpTopic.isEmpty ? "" : helpTopic + " ")--help)" : ""
                writeToStandardError("Error: \(message)\(hint)\n")
            }
            Foundation.exit(code.rawValue)
        }
    }

    /// Output that could not be written (`> /dev/full`, a full disk) is an error, not exit 0. A
    /// reader that went away (`| head -1`) is not: the pipe's writes fail with EPIPE (SIGPIPE is
    /// ignored, so that a training run still saves its model), and the command has done its work.
    /// (The C library keeps what it could not write in stdout's buffer, so this last flush meets
    /// the error again however early it came.)
    static func checkStandardOutput() throws {
        guard fflush(nil) != 0 else { return }
        let code = errno
        if code == EPIPE { return }
        throw InputError("cannot write to standard output: \(String(cString: strerror(code)))")
    }

    /// The subcommands' names.
    static var commandNames: [String] { configuration.subcommands.map { $0.configuration.commandName ?? "" } }

    /// The subcommand named on the command line (its first argument), for the help hint.
    private static var helpTopic: String {
        let first = CommandLine.arguments.dropFirst().first ?? ""
        return commandNames.contains(first) ? first : ""
    }

    /// A first argument that is no option must name a command: a typo gets the nearest name. So
    /// must the argument of `help` (`backprop help trian` would print the whole help, exit 0).
    static func checkCommandName(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) throws {
        if arguments.first == "help" { return try checkCommandName(Array(arguments.dropFirst())) }
        guard let first = arguments.first, !first.hasPrefix("-"), !commandNames.contains(first) else { return }
        let typed = first.lowercased()          // `backprop XOR` too
        let nearest = commandNames.min { editDistance($0, typed) < editDistance($1, typed) } ?? ""
        let hint = editDistance(nearest, typed) <= 2 ? "; did you mean '\(nearest)'?" : ""
        throw ValidationError("unknown command '\(first)'\(hint) (commands: \(commandNames.joined(separator: ", ")))")
    }

    /// Levenshtein distance: the fewest single-character insertions, deletions and substitutions.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let (a, b) = (Array(a), Array(b))
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let saved = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = saved
            }
        }
        return row[b.count]
    }

    public static let configuration = CommandConfiguration(
        commandName: "backprop",
        abstract: "Train fully connected neural networks with backpropagation written by hand.",
        discussion: """
            Every number of the chain rule can be seen and checked:
              backprop xor         learn XOR with the tutorial's 2-2-1 sigmoid network
              backprop explain     one training step, hand by hand, with every number
              backprop exercise    compute a step yourself: each answer checked, mistakes named
              backprop gradcheck   compare every gradient with finite differences
              backprop serve       the playground: train in the browser, click a weight

            The formulas (a batch is rows, so z = a_prev·Wᵀ + b):
              z^l = W^l a^(l-1) + b^l      a^l = σ(z^l)       Loss = ½ (a^L − y)²
              δ^L = (a^L − y) ⊙ σ'(z^L)    δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l)
              W^l ← W^l − η δ^l (a^(l-1))ᵀ    b^l ← b^l − η δ^l
            """,
        version: BackpropVersion.string,
        subcommands: [XORCommand.self, ExplainCommand.self, ExerciseCommand.self, GradCheckCommand.self, TrainCommand.self, ExportCommand.self,
                      EvaluateCommand.self, PredictCommand.self, ConvertCommand.self, PlotCommand.self,
                      ServeCommand.self]
    )
}
