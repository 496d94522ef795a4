import Backprop
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A number with `digits` significant digits, e.g. `0.593269992`.
func fmt(_ x: Double, _ digits: Int = 9) -> String {
    String(format: "%.\(digits)g", x == 0 ? 0 : x)   // no "-0"
}

/// A vector as `[0.1, 0.2]`.
func fmt(_ v: [Double], _ digits: Int = 9) -> String {
    "[" + v.map { fmt($0, digits) }.joined(separator: ", ") + "]"
}


/// Writes `json` on stdout.
func printJSON(_ json: JSON) { print(json.serialized(pretty: true)) }

/// `s` padded on the left to `width` characters.
func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}

/// `s` padded on the right to `width` characters.
func padRight(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

/// The superscript of a layer number: 1 → ¹.
func sup(_ n: Int) -> String { NetworkDiagram.sup(n) }

/// Writes `bytes` to `path` (atomically, as every save) and says so on stderr: `wrote PATH`.
func write(_ bytes: [UInt8], to path: String) throws {
    do { try writeFileAtomically(bytes, to: path) } catch { throw InputError("\(error)") }
    announceWritten(path)
}

/// Writes `text` to stderr. A failed write is let go: stderr is where a command says what
/// happened, and a pipe whose reader is gone (`2>&1 | tee`, after the Ctrl-C that ended tee too)
/// must not stop a run before it saves. (`FileHandle.write(_:)` traps on such a failure.)
func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        #if canImport(Darwin)
        let written = bytes.withUnsafeBytes { Darwin.write(STDERR_FILENO, $0.baseAddress, $0.count) }
        #else
        let written = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
        #endif
        if written > 0 { bytes = bytes.dropFirst(written) } else if written < 0 && errno == EINTR { continue } else { return }
    }
}

/// `wrote PATH` on stderr: every file a command writes is named (stdout stays the output).
func announceWritten(_ path: String) {
    let clear = isatty(STDERR_FILENO) != 0 ? "\r\u{1B}[2K" : ""        // not glued to a progress bar
    writeToStandardError("\(clear)wrote \(path)\n")
}

/// `name` inside `folder`, joined by one slash (`name` alone for an empty folder: here).
func path(_ name: String, in folder: String) -> String {
    folder.isEmpty ? name : (folder.hasSuffix("/") ? folder : folder + "/") + name
}

/// Writes each picture atomically into `folder` (made if missing) and returns the paths written;
/// `option` names the folder's option in error messages.
func writePictures(_ pictures: [(name: String, svg: SVG)], to folder: String, option: String) throws -> [String] {
    do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), !isFolder.boolValue {
            throw InputError("\(option) \(folder): is a file; \(option) names a folder, where \(pictures.map(\.name).joined(separator: " and ")) \(pictures.count == 1 ? "goes" : "go")")
        }
        throw InputError("\(option) \(folder): cannot create the folder (a part of its path is a file, or a folder is not writable)")
    }
    return try pictures.map { name, svg in
        let file = path(name, in: folder)
        try write(Array(svg.rendered.utf8), to: file)
        return file
    }
}
