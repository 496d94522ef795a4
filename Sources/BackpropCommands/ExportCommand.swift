import ArgumentParser
import Backprop
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trained model as dependency-free Swift or C source.",
        discussion: """
            Swift: one file NAME.swift with public enum NAME (inputs, outputs, classes, \
            predict(_: [Float]) -> [Float]) that imports nothing. C: NAME.h and NAME.c (C99, no \
            allocation): NAME_predict(const float *input, float *output), NAME_INPUTS, \
            NAME_OUTPUTS, NAME_CLASSES and NAME_class_names; link with -lm. Both apply the model's \
            input features and scaling, as backprop predict does; every weight is written as the \
            shortest decimal that reads back to the same Float.

            --out is the Swift file, or for C the .c (or .h) file, the other beside it, or a folder. \
            Default: NAME.swift, or NAME.h and NAME.c, here.

            Examples:
              backprop export --model iris.json --language swift --name Iris
              backprop export --model iris.json --language c --name iris \\
                  --out examples/export
            """
    )

    enum Language: String, ExpressibleByArgument, CaseIterable { case swift, c }

    @Option(help: "The model file (.json or .safetensors).")
    var model: String

    @Option(help: "swift or c.")
    var language: Language

    @Option(help: "The name of the Swift enum, or the C prefix (an identifier).")
    var name: String = "Model"

    @Option(help: ArgumentHelp("Where to write (see above).", valueName: "path"))
    var out: String?

    func validate() throws {
        do { try SourceExport.check(name: name, swift: language == .swift) } catch { throw ValidationError(error.description) }
        if language == .swift, let out, destinations() == [out] {                      // a file, not a folder
            try checkOutputName(out, option: "--out", extensions: ["swift"], kind: "Swift source")
        }
    }

    /// The files to write: (path, text).
    func destinations() -> [String] {
        let out = self.out ?? ""
        var isFolder: ObjCBool = false
        let folder = out.isEmpty ? "" : FileManager.default.fileExists(atPath: out, isDirectory: &isFolder) && isFolder.boolValue || out.hasSuffix("/") ? out : nil
        switch language {
        case .swift:
            return [folder.map { path("\(name).swift", in: $0) } ?? out]
        case .c:
            let base = folder.map { path(name, in: $0) }
                ?? (out.hasSuffix(".c") || out.hasSuffix(".h") ? String(out.dropLast(2)) : out)
            return [base + ".h", base + ".c"]
        }
    }

    func run() throws {
        if language == .c, let out, let kind = notABase(out) {               // two files cannot go to one device
            throw InputError("--out \(out) is \(kind): C export writes two files, NAME.h and NAME.c; give the .c file's path or a folder")
        }
        let paths = destinations()
        try checkNoCollision(outputs: paths.map { ("--out", $0) }, inputs: [("--model", model)])
        let file = try readModel(model, as: Float.self)
        let source = URL(fileURLWithPath: model).lastPathComponent
        do {
            switch language {
            case .swift:
                try write(Array(try SourceExport.swift(model: file, name: name, source: source).utf8), to: paths[0])
            case .c:
                let (header, code) = try SourceExport.c(model: file, name: name, source: source,
                                                        headerFile: URL(fileURLWithPath: paths[0]).lastPathComponent)
                for path in paths {              // both checked before either is written: never a .h of one model beside another's .c
                    do { try checkWritable(path) } catch { throw InputError("--out \(path): \(error.reason)") }
                }
                try write(Array(header.utf8), to: paths[0])
                try write(Array(code.utf8), to: paths[1])
            }
        } catch let error as SourceExport.Failure { throw InputError(error.description) }
    }
}

/// Why `path` cannot name the pair NAME.h and NAME.c: standard output (`-`), a device, a FIFO
/// or a socket, anything under /dev or /proc (`/dev/stdout` may be a regular file's link), or
/// another existing file than a .c or .h; nil for a folder, a new path or a .c/.h file.
private func notABase(_ path: String) -> String? {
    if path == "-" { return "standard output" }
    if path.hasPrefix("/dev/") || path.hasPrefix("/proc/") { return "a device" }
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    switch info.st_mode & S_IFMT {
    case S_IFDIR: return nil
    case S_IFREG: return path.hasSuffix(".c") || path.hasSuffix(".h") ? nil : "an existing file, not a .c or .h"
    case S_IFIFO: return "a FIFO"
    case S_IFSOCK: return "a socket"
    default: return "a device"
    }
}
