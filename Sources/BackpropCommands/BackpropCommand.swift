import ArgumentParser
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
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }             // --help: argument-parser prints it
            let message = message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
            if !message.isEmpty {
                let hint = code == .validationFailure ? " (see backprop \(helpTopic.isEmpty ? "" : helpTopic + " ")--help)" : ""
                FileHandle.standardError.write(Data("Error: \(message)\(hint)\n".utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }

    /// The subcommand named on the command line, for the help hint.
    private static var helpTopic: String {
        let names = configuration.subcommands.map { $0.configuration.commandName ?? "" }
        return CommandLine.arguments.dropFirst().first { names.contains($0) } ?? ""
    }

    public static let configuration = CommandConfiguration(
        commandName: "backprop",
        abstract: "Train fully connected neural networks with backpropagation written by hand.",
        discussion: """
            Every number of the chain rule can be seen and checked:
              backprop xor         learn XOR with the tutorial's 2-2-1 sigmoid network
              backprop explain     one training step, hand by hand, with every number
              backprop gradcheck   compare every gradient with finite differences
              backprop serve       the playground: train in the browser, click a weight, read its chain rule

            The formulas (a batch is rows, so z = a_prev·Wᵀ + b):
              z^l = W^l a^(l-1) + b^l      a^l = σ(z^l)       Loss = ½ (a^L − y)²
              δ^L = (a^L − y) ⊙ σ'(z^L)    δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l)
              W^l ← W^l − η δ^l (a^(l-1))ᵀ    b^l ← b^l − η δ^l
            """,
        subcommands: [XORCommand.self, ExplainCommand.self, GradCheckCommand.self, TrainCommand.self,
                      EvaluateCommand.self, PredictCommand.self, ConvertCommand.self, PlotCommand.self,
                      ServeCommand.self]
    )
}
