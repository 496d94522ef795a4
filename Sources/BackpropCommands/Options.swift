import Foundation
import ArgumentParser
import Backprop

/// `--json`: one JSON object on stdout instead of text.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON object on stdout instead of text.")
    var json = false
}

/// The scalar type a command computes in.
enum Precision: String, ExpressibleByArgument, CaseIterable {
    case float
    case double
}

extension Activation: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension Loss: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension Reduction: ExpressibleByArgument {
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// A bad input the user can fix: printed as one line on stderr, exit code 1.
struct InputError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Parses a comma-separated list of numbers such as `0.05,0.1`.
func parseNumbers(_ text: String, option: String) throws -> [Double] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    return try parts.map { part in
        let trimmed = part.trimmingCharacters(in: .whitespaces)
        guard let x = Double(trimmed), x.isFinite else {
            throw ValidationError("\(option) \(CSVOptions.excerpt(text)): '\(CSVOptions.excerpt(trimmed))' is not a number (expected numbers separated by commas, e.g. 0.05,0.1)")
        }
        return x
    }
}

/// Reads a model file, turning its errors into one-line messages naming the file.
func readModel<T: Scalar>(_ path: String, as: T.Type = T.self) throws -> ModelFile<T> {
    do {
        return try ModelFile<T>(contentsOf: path)
    } catch {
        switch error {
        case .unreadable: throw InputError("\(error)")
        default: throw InputError("\(path): \(error)")
        }
    }
}

/// Writes a model file atomically, turning its errors into one-line messages.
func saveModel<T: Scalar>(_ model: ModelFile<T>, to path: String) throws {
    do { try model.write(to: path) } catch { throw InputError("\(error)") }
}

/// Refuses, before any work, an output named for another kind of file than it gets (its
/// extension is not one of `extensions`): `--save data.csv` would replace a data set with a model,
/// `predict --out m.json` a model with a CSV. A device or a FIFO, and `/dev/stdout`, `/dev/stderr`
/// and `/dev/fd/N` (a file when redirected to one), are written to whatever their name, and a folder is refused later with its own message.
func checkOutputName(_ path: String, option: String, extensions: [String], kind: String) throws {
    // A link named for this kind may point at a file of another: the file it names is what is replaced.
    let target = followingSymlinks(path)
    var linked = stat()
    if target != path, standardStream(path) == nil, stat(target, &linked) == 0, linked.st_mode & S_IFMT == S_IFREG,
       case let ext = URL(fileURLWithPath: target).pathExtension.lowercased(), !ext.isEmpty, !extensions.contains(ext) {
        throw ValidationError("\(option) \(path): it links to \(target), a file of another kind than \(kind), which would be replaced; name another file")
    }
    guard !extensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased()) else { return }     // (Step.SVG too)
    var info = stat()
    if standardStream(path) != nil || stat(path, &info) == 0 && info.st_mode & S_IFMT != S_IFREG { return }   // (a redirect may make a stream a file)
    let names = extensions.map { "." + $0 }
    let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    throw ValidationError("\(option) \(path): \(option) writes \(kind), to a \(list) file; name it so (a file of another kind there would be replaced)")
}

/// Refuses, before any work, an output that would land on an input or on another output: paths
/// are compared as the file system resolves them, and `{epoch}` in a checkpoint path matches
/// any epoch number.
///
/// A checkpoint may update the checkpoint it resumes from: that pair is not a collision.
func checkNoCollision(outputs: [(option: String, path: String)], inputs: [(option: String, path: String?)]) throws {
    func matches(_ template: String, _ path: String) -> Bool {
        let t = canonicalPath(template.replacingOccurrences(of: "{epoch}", with: "\u{1}")), p = canonicalPath(path)
        let parts = t.split(separator: "\u{1}", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return t == p }
        let (head, tail) = (String(parts[0]), String(parts[1]))
        guard p.hasPrefix(head), p.hasSuffix(tail), p.count > head.count + tail.count else { return false }
        return p.dropFirst(head.count).dropLast(tail.count).allSatisfy(\.isNumber)
    }
    let named = inputs.compactMap { option, path in path.map { (option: option, path: $0) } }
    for (i, output) in outputs.enumerated() where !output.path.hasPrefix("/dev/") {
        for other in named + outputs[..<i] where !(output.option == "--checkpoint" && other.option == "--resume")
            && (matches(output.path, other.path) || matches(other.path, output.path)) {
            throw InputError("\(output.option) \(output.path) is also \(other.option) \(other.path): name another file, or it would be overwritten")
        }
    }
}
