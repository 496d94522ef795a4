import Foundation
import Testing
@testable import Backprop

/// The result of running `backprop` (or another of the package's executables).
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The built `backprop` executable, next to the test bundle in the build folder.
func backpropBinary() throws -> URL {
    var candidates: [URL] = []
    let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    candidates.append(argv0.deletingLastPathComponent().appendingPathComponent("backprop"))
    // macOS: the runner lives inside …/debug/BackpropPackageTests.xctest/Contents/MacOS.
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("backprop"))
    }
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw CLITestError("backprop binary not found; looked at \(candidates.map(\.path))")
    }
    return found
}

struct CLITestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Runs `backprop` with `arguments` in `directory` (with `stdin` piped in, or none) and waits for it.
func backprop(_ arguments: [String], in directory: URL? = nil, stdin: String? = nil) throws -> Run {
    try runExecutable(try backpropBinary(), arguments, in: directory, stdin: stdin)
}

/// Runs `backprop-bench` (built beside `backprop`) with `arguments`, in `environment` (or this
/// process's), and waits for it.
func backpropBench(_ arguments: [String], environment: [String: String]? = nil) throws -> Run {
    let bench = try backpropBinary().deletingLastPathComponent().appendingPathComponent("backprop-bench")
    return try runExecutable(bench, arguments, environment: environment)
}

/// Runs `executable` with `arguments` and waits for it.
func runExecutable(_ executable: URL, _ arguments: [String], in directory: URL? = nil, stdin: String? = nil,
                   environment: [String: String]? = nil) throws -> Run {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if let environment { process.environment = environment }
    // Output goes to files, not pipes: nothing can block however much the child prints.
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let outURL = folder.appendingPathComponent("stdout"), errURL = folder.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    if let stdin {
        let inURL = folder.appendingPathComponent("stdin")
        try Data(stdin.utf8).write(to: inURL)
        process.standardInput = try FileHandle(forReadingFrom: inURL)
    } else {
        process.standardInput = FileHandle.nullDevice
    }
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    return Run(status: process.terminationStatus,
               stdout: try String(contentsOf: outURL, encoding: .utf8),
               stderr: try String(contentsOf: errURL, encoding: .utf8))
}

/// A fresh temporary folder, removed by the caller.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The repository's test fixtures folder.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("BackpropTests/Fixtures")

/// A bad-input run: exit code 1, one line on stderr that contains `message`, nothing that looks
/// like a crash.
func expectInputError(_ run: Run, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(run.status == 1, "exit \(run.status), stderr: \(run.stderr)", sourceLocation: sourceLocation)
    let lines = run.stderr.split(separator: "\n")
    #expect(lines.count == 1, "stderr: \(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stderr.contains(message), "stderr: \(run.stderr)", sourceLocation: sourceLocation)
    #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Stack dump"), sourceLocation: sourceLocation)
}

/// Runs the playground's exported `backprop explain …` command (the text of `explain.txt`) for
/// one selected parameter (`w-l-j-k` or `n-l-j`), with `--json`, in `folder` (which holds the
/// exported `model.json`), and returns its JSON.
func runExplain(command: String, parameter: String, in folder: URL,
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> JSON {
    let index = parameter.split(separator: "-").dropFirst().joined(separator: ",")
    let arguments = command.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").dropFirst().map(String.init)
        + ["--parameter", index, "--json"]
    let run = try backprop(arguments, in: folder)
    #expect(run.status == 0, "\(run.stderr)", sourceLocation: sourceLocation)
    return try JSON.parse(run.stdout)
}
