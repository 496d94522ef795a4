#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be written.
public struct FileWriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write \(path): \(reason)" }
}

/// Writes `bytes` to `path` so that the file is either the old one or the complete new one,
/// never a torn mix: the bytes go to a temporary file in the same folder, are flushed to disk
/// (`fsync`), and the temporary file is then renamed over `path` (atomic on POSIX file systems).
///
/// ```swift
/// try writeFileAtomically(Array(text.utf8), to: "notes.txt")
/// ```
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[..<$0]) } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    guard !name.isEmpty else { throw FileWriteError(path: path, reason: "the path names a folder") }
    let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    func failure(_ what: String) -> FileWriteError {
        FileWriteError(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
    }
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else { throw failure("cannot create a file in \(folder.isEmpty ? "/" : folder)") }
    var ok = true
    var reason = ""

    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                ok = false; reason = "write failed: \(String(cString: strerror(errno)))"; return
            }
            offset += n
        }
    }
    if ok && fsync(fd) != 0 { ok = false; reason = "fsync failed: \(String(cString: strerror(errno)))" }
    if close(fd) != 0 && ok { ok = false; reason = "close failed: \(String(cString: strerror(errno)))" }
    if ok && rename(temporary, path) != 0 { ok = false; reason = "rename failed: \(String(cString: strerror(errno)))" }
    guard ok else {
        unlink(temporary)
        throw FileWriteError(path: path, reason: reason)
    }
    // Make the rename itself durable.
    let dirfd = open(folder.isEmpty ? "/" : folder, O_RDONLY)
    if dirfd >= 0 { fsync(dirfd); close(dirfd) }
}
