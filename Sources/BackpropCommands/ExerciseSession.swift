import ArgumentParser
import Backprop
import Foundation

/// `backprop exercise` in the terminal: one question at a time, each answer checked at once; a
/// wrong one gets its likely mistake and the right computation with its numbers. Reads lines
/// from stdin (a terminal or a pipe): a number, `?` for the answer, `q` to stop.
struct ExerciseSession {
    var exercise: Exercise
    var title: String

    func run() throws {
        printSetting()
        var right = 0, asked = 0
        var notText = false                            // a binary file or a 4 KB line on stdin: exit 1, not 2
        questions: for q in exercise.questions {
            asked += 1
            while true {
                print("\(q.symbol) = ", terminator: "")
                fflush(nil)
                let (raw, tooLong) = readBoundedLine()
                let read = raw.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }         // a CRLF file's line
                // Control characters from a file are not text; from a terminal they are keys (an arrow), and asked again.
                notText = tooLong || (isatty(0) == 0 && read.map { $0.unicodeScalars.contains { $0 == "\u{FFFD}" || ($0.value < 32 && $0 != "\t") } } == true)
                guard let line = read?.trimmingCharacters(in: .whitespaces), !notText else {
                    print("\nstopped at question \(asked) of \(exercise.questions.count) (\(notText ? "the input is not text" : "end of input"))")
                    asked -= 1
                    break questions
                }
                if isatty(0) == 0 { print(line) }      // piped answers: shown as if typed
                if line == "q" || line == "quit" { asked -= 1; break questions }
                if line == "?" { print("  the answer: \(exercise.working(q))"); break }
                guard let value = Double(line.replacingOccurrences(of: "−", with: "-")), value.isFinite else {
                    print("  '\(line)' is not a number: type a number (e.g. 0.3775), ? for the answer, or q to stop")
                    continue
                }
                let grade = exercise.grade(q, answer: value)
                if grade.correct {
                    right += 1
                    print("  ✓ right (\(Exercise.full(q.answer)))")
                } else {
                    print("  ✗ not \(fmt(value, 9))" + (grade.mistake.map { " — likely mistake (\($0.rawValue)): \($0.explanation)" } ?? ""))
                    print("  the right computation: \(exercise.working(q))")
                }
                break
            }
        }
        print("\(right) of \(exercise.questions.count) right" + (asked < exercise.questions.count ? " (\(exercise.questions.count - asked) not answered)" : ""))
        if notText { throw InputError("standard input: an answer is not a line of text (more than 4096 bytes, or control characters): answers are numbers, ? or q") }
        if right < exercise.questions.count { throw ExitCode(2) }
    }

    /// The network, its numbers, the sample and the rules of the game.
    func printSetting() {
        let net = exercise.network
        print("\(title): one training step of a \(net.sizes.map(String.init).joined(separator: "-")) network, "
              + "\(net.layers.map { $0.activation.rawValue }.joined(separator: "/")), loss \(net.loss == .squaredError ? "½ Σ (a − y)²" : net.loss.rawValue), "
              + "W ← W − η·dW with η = \(fmt(exercise.learningRate, 4))")
        print("  x = \(fmt(exercise.input, 4))   y = \(fmt(exercise.target, 4))")
        for (l, layer) in net.layers.enumerated() {
            let s = sup(l + 1)
            for j in 0..<layer.outputSize {
                print("  W\(s)[\(j)] = \(fmt((0..<layer.inputSize).map { layer.weights[j, $0] }, 4))   b\(s)[\(j)] = \(fmt(layer.biases[j], 4))")
            }
        }
        print("W[j][k] connects input k to neuron j. Answers within \(fmt(Exercise.tolerance * 100, 2))% are right; ? shows the answer, q stops.")
        print("")
    }
}

/// A line of standard input without its newline, like `readLine()`; nil at the end of the input,
/// or (`tooLong`) once a line runs past `maximum` bytes — `exercise < /dev/zero` filled the memory.
func readBoundedLine(maximum: Int = 4096) -> (line: String?, tooLong: Bool) {
    var bytes: [UInt8] = []
    while true {
        let c = getchar()
        if c == EOF { return (bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self), false) }
        if c == 10 { return (String(decoding: bytes.last == 13 ? bytes.dropLast() : bytes[...], as: UTF8.self), false) }
        guard bytes.count < maximum else { return (nil, true) }
        bytes.append(UInt8(truncatingIfNeeded: c))
    }
}
