import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be written.
public struct FileWriteError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "cannot write \(path): \(reason)" }
}

/// Writes `bytes` to `path` so that nothing on disk is lost:
///
/// | `path` is                         | what happens                                                   |
/// |-----------------------------------|----------------------------------------------------------------|
/// | a regular file, or nothing yet    | atomic: a temporary file in the same folder, `fsync`, `rename` |
/// | a symlink                         | followed: its target is replaced atomically, the link stays   |
/// | `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` | written to that descriptor, as the shell set it up (`>> log` appends) |
/// | a device or a FIFO (`/dev/null`)  | written to directly, never replaced                            |
/// | a folder                          | refused                                                        |
///
/// A regular file is either the old one or the complete new one, never a torn mix; the new one
/// keeps the old one's permissions (a `chmod 600` model stays private), and a file this user may
/// not write is refused, as `cp` refuses it. Temporary
/// files that a killed save left beside the target (`.NAME.tmp-PID-…` of a process that is gone)
/// are removed by the next save to it.
///
/// ```swift
/// try writeFileAtomically(Array(text.utf8), to: "notes.txt")
/// ```
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
    if let fd = standardStream(path) {                        // (a redirect makes it a regular file: not to be replaced)
        guard fcntl(fd, F_GETFL) >= 0 else { throw FileWriteError(path: path, reason: "that descriptor is not open") }
        if let reason = withoutBrokenPipeSignal({ writeAll(bytes, to: fd) }) { throw FileWriteError(path: path, reason: reason) }
        return
    }
    let target = try writableTarget(path)
    func failure(_ what: String) -> FileWriteError {
        FileWriteError(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
    }
    var info = stat()
    let exists = stat(target, &info) == 0
    if exists {
        switch info.st_mode & S_IFMT {
        case S_IFREG: try refuseReadOnly(target, path)
        case S_IFDIR: throw FileWriteError(path: path, reason: "it is a folder")
        default:                                              // a device or a FIFO: write to it
            let fd = open(target, O_WRONLY)
            guard fd >= 0 else { throw failure("cannot open it") }
            defer { close(fd) }
            // A pipe whose reader is gone must fail this write, not kill the process (SIGPIPE).
            if let reason = withoutBrokenPipeSignal({ writeAll(bytes, to: fd) }) { throw FileWriteError(path: path, reason: reason) }
            return
        }
    }
    let (folder, name) = split(target)
    guard !name.isEmpty else { throw FileWriteError(path: path, reason: "the path names a folder") }
    removeStaleTemporaries(folder: folder, name: name)
    let temporary = folder + "/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else { throw failure("cannot create a file in \(folder)") }
    if exists {                                               // the new file keeps the old one's mode and owner
        _ = fchown(fd, info.st_uid, info.st_gid)              // (only root may give a file away: else it stays ours)
        fchmod(fd, info.st_mode & 0o7777)                     // after chown, which clears setuid and setgid
    }
    var reason = writeAll(bytes, to: fd)
    if reason == nil && fsync(fd) != 0 { reason = "fsync failed: \(String(cString: strerror(errno)))" }
    if close(fd) != 0 && reason == nil { reason = "close failed: \(String(cString: strerror(errno)))" }
    if reason == nil && rename(temporary, target) != 0 { reason = "rename failed: \(String(cString: strerror(errno)))" }
    if let reason {
        unlink(temporary)
        throw FileWriteError(path: path, reason: reason)
    }
    // Make the rename itself durable.
    let dirfd = open(folder, O_RDONLY)
    if dirfd >= 0 { fsync(dirfd); close(dirfd) }
}

/// A regular file this user may not write is not replaced, as `cp` would not (root may write any).
private func refuseReadOnly(_ target: String, _ path: String) throws(FileWriteError) {
    guard access(target, W_OK) == 0 else { throw FileWriteError(path: path, reason: "it is read-only") }
}

/// Checks, before long work, that `path` can be written later: its folder exists and a file can
/// be created in it (tried: a temporary file, removed at once; `access` alone says yes to root
/// in /proc or on a read-only file system), and the path is not a folder (a device or a FIFO
/// must be writable itself).
public func checkWritable(_ path: String) throws(FileWriteError) {
    if let fd = standardStream(path) {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, flags & O_ACCMODE != O_RDONLY else { throw FileWriteError(path: path, reason: "that descriptor is not open for writing") }
        return
    }
    let target = try writableTarget(path)
    var info = stat()
    if stat(target, &info) == 0 {
        if info.st_mode & S_IFMT == S_IFDIR { throw FileWriteError(path: path, reason: "it is a folder") }
        if info.st_mode & S_IFMT == S_IFREG { try refuseReadOnly(target, path) }
        if info.st_mode & S_IFMT != S_IFREG {
            guard access(target, W_OK) == 0 else { throw FileWriteError(path: path, reason: "it is not writable") }
            return
        }
    }
    let (folder, name) = split(target)
    guard !name.isEmpty else { throw FileWriteError(path: path, reason: "the path names a folder") }
    guard stat(folder, &info) == 0 else { throw FileWriteError(path: path, reason: "the folder \(folder) does not exist") }
    guard info.st_mode & S_IFMT == S_IFDIR else { throw FileWriteError(path: path, reason: "\(folder) is not a folder") }
    guard access(folder, W_OK) == 0 else { throw FileWriteError(path: path, reason: "the folder \(folder) is not writable") }
    let probe = folder + "/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"   // as a save names its own
    let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard fd >= 0 else { throw FileWriteError(path: path, reason: "cannot create a file in \(folder): \(String(cString: strerror(errno)))") }
    close(fd)
    unlink(probe)
}

/// A path as the file system finally resolves it — symlinks followed (a dangling one's target
/// included), `.` and `..` gone, absolute — for telling whether two paths name the same file.
public func canonicalPath(_ path: String) -> String {
    URL(fileURLWithPath: followingSymlinks(path)).standardizedFileURL.resolvingSymlinksInPath().path
}

/// The file a path finally names: symlinks followed (up to 32 levels: a loop ends on a link,
/// which `writableTarget` refuses), a dangling link's target included (a save creates it).
public func followingSymlinks(_ path: String) -> String {
    var current = path
    for _ in 0..<32 {
        var info = stat()
        guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(current, &buffer, buffer.count - 1)
        guard n > 0 else { return current }
        let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        current = link.hasPrefix("/") ? link : split(current).folder + "/" + link
    }
    return current
}

/// The file a save to `path` replaces (``followingSymlinks(_:)``), or an error when the links
/// loop: following them ended on a link still.
func writableTarget(_ path: String) throws(FileWriteError) -> String {
    let target = followingSymlinks(path)
    var info = stat()
    if lstat(target, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK {
        throw FileWriteError(path: path, reason: "its symbolic links loop (or go more than 32 deep)")
    }
    return target
}

/// A path's folder ("." for a bare name) and last component.
func split(_ path: String) -> (folder: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let folder = String(path[..<slash])
    return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
}

/// Writes every byte to `fd`; the reason on failure.
private func writeAll(_ bytes: [UInt8], to fd: Int32) -> String? {
    bytes.withUnsafeBytes { buffer -> String? in
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return "write failed: \(String(cString: strerror(errno)))"
            }
            offset += n
        }
        return nil
    }
}

/// Removes `.NAME.tmp-PID-…` files in `folder` whose process no longer runs: what a save that
/// was killed left behind.
private func removeStaleTemporaries(folder: String, name: String) {
    guard let dir = opendir(folder) else { return }
    defer { closedir(dir) }
    let prefix = ".\(name).tmp-"
    while let entry = readdir(dir) {
        let file = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        guard file.hasPrefix(prefix), let pid = Int32(file.dropFirst(prefix.count).prefix { $0 != "-" }),
              pid != getpid(), kill(pid, 0) != 0 && errno == ESRCH else { continue }
        unlink(folder + "/" + file)
    }
}

/// Runs `body` with SIGPIPE blocked on this thread (a write to a closed pipe then fails with
/// EPIPE), and consumes a SIGPIPE it raised, so that nothing is delivered afterwards.
private func withoutBrokenPipeSignal<R>(_ body: () -> R) -> R {
    var pipeSignal = sigset_t(), previous = sigset_t()
    sigemptyset(&pipeSignal)
    sigaddset(&pipeSignal, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
    let result = body()
    var pending = sigset_t()
    sigpending(&pending)
    if sigismember(&pending, SIGPIPE) == 1 {
        var noWait = timespec()
        _ = sigtimedwait(&pipeSignal, nil, &noWait)
    }
    pthread_sigmask(SIG_SETMASK, &previous, nil)
    return result
}

/// The descriptor a path names by itself: `/dev/stdout` 1, `/dev/stderr` 2, `/dev/fd/N` and
/// `/proc/self/fd/N` N; nil for any other path. Such an output is the process's own stream
/// (a terminal, a pipe, or a file the shell opened with `>` or `>>`), written to, never replaced.
public func standardStream(_ path: String) -> Int32? {
    switch path {
    case "/dev/stdout": return 1
    case "/dev/stderr": return 2
    default:
        for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
            return Int32(path.dropFirst(prefix.count)).flatMap { $0 >= 0 ? $0 : nil }
        }
        return nil
    }
}
