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
            throw ValidationError("\(option) \(text): '\(trimmed)' is not a number (expected numbers separated by commas, e.g. 0.05,0.1)")
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
