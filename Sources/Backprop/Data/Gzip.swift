import CZlib

/// Why gzip data could not be decompressed.
public struct GzipError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Whether `bytes` start with the gzip magic number `1f 8b`.
public func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

/// Decompresses gzip data piece by piece, so a large file never needs its whole decompressed
/// form in memory at once (one or more gzip members, as `gzip` writes them).
///
/// ```swift
/// let reader = try GzipReader(compressed)
/// var chunk = [UInt8](repeating: 0, count: 65536)
/// let n = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }   // 0 at the end
/// ```
public final class GzipReader {
    private var stream = z_stream()
    /// The compressed bytes, and how many of them zlib has taken so far.
    private let input: [UInt8]
    private var consumed = 0
    private var ended = false

    /// A reader over `compressed` (kept, not copied).
    public init(_ compressed: [UInt8]) throws(GzipError) {
        input = compressed
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw GzipError(message: "cannot start zlib")
        }
    }

    deinit { inflateEnd(&stream) }

    /// The most the data can decompress to: deflate expands at most 1032:1.
    public var sizeLimit: Int { input.count * 1032 }

    /// Fills `buffer` with the next decompressed bytes and returns how many; 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(GzipError) -> Int {
        var produced = 0
        var failure: GzipError? = nil
        input.withUnsafeBufferPointer { all in
            while produced < buffer.count && !ended {
                // zlib keeps no pointer across calls: point it at the unread input each time.
                stream.next_in = UnsafeMutablePointer(mutating: all.baseAddress.map { $0 + consumed })
                stream.avail_in = UInt32(min(all.count - consumed, Int(UInt32.max)))
                let room = min(buffer.count - produced, Int(UInt32.max))
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + produced
                stream.avail_out = UInt32(room)
                let before = Int(stream.avail_in)
                let status = inflate(&stream, Z_NO_FLUSH)
                consumed += before - Int(stream.avail_in)
                produced += room - Int(stream.avail_out)
                switch status {
                case Z_STREAM_END:
                    if all.count - consumed >= 2 && all[consumed] == 0x1F && all[consumed + 1] == 0x8B {
                        inflateReset(&stream)       // another gzip member follows
                    } else {
                        ended = true
                    }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where consumed == all.count:
                    failure = GzipError(message: "the gzip data is truncated")
                    return
                case Z_BUF_ERROR where before - Int(stream.avail_in) == 0 && Int(stream.avail_out) == room:
                    failure = GzipError(message: "corrupt gzip data (no progress)")   // never loop forever
                    return
                case Z_BUF_ERROR:
                    continue
                default:
                    failure = GzipError(message: "corrupt gzip data (\(stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"))")
                    return
                }
            }
        }
        if let failure { throw failure }
        return produced
    }
}

/// Decompresses gzip data (one or more members), refusing to produce more than `limit` bytes.
///
/// ```swift
/// let raw = try gunzip(bytes)
/// ```
public func gunzip(_ bytes: [UInt8], limit: Int = 1 << 32) throws(GzipError) -> [UInt8] {
    let reader = try GzipReader(bytes)
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        var outcome: Result<Int, GzipError> = .success(0)
        chunk.withUnsafeMutableBytes { b in outcome = Result { () throws(GzipError) in try reader.read(into: b) } }
        let n = try outcome.get()
        if n == 0 { return out }
        guard out.count + n <= limit else { throw GzipError(message: "decompresses to more than \(limit) bytes") }
        out.append(contentsOf: chunk[0..<n])
    }
}
