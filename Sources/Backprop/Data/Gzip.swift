import CZlib

/// Why gzip data could not be decompressed.
public struct GzipError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Whether `bytes` start with the gzip magic number `1f 8b`.
public func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

/// Decompresses gzip data (one or more members) with zlib, refusing to produce more than
/// `limit` bytes.
///
/// ```swift
/// let raw = try gunzip(bytes)
/// ```
public func gunzip(_ bytes: [UInt8], limit: Int = 1 << 32) throws(GzipError) -> [UInt8] {
    var stream = z_stream()
    guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
        throw GzipError(message: "cannot start zlib")
    }
    defer { inflateEnd(&stream) }
    // The gzip trailer holds the size mod 2³²: a good first guess, never trusted beyond `limit`.
    var guess = bytes.count >= 4 ? Int(bytes[bytes.count - 4]) | Int(bytes[bytes.count - 3]) << 8
        | Int(bytes[bytes.count - 2]) << 16 | Int(bytes[bytes.count - 1]) << 24 : 0
    // Deflate expands at most 1032:1, so a larger claim is garbage (e.g. a truncated file).
    guess = min(max(min(guess, bytes.count * 1032), 1024), limit)
    var out = [UInt8](repeating: 0, count: guess)
    var produced = 0
    var status: Int32 = Z_OK
    var input = bytes
    try input.withUnsafeMutableBufferPointer { (inp) throws(GzipError) in
        stream.next_in = inp.baseAddress
        stream.avail_in = UInt32(inp.count)
        while true {
            if produced == out.count {
                guard out.count < limit else { throw GzipError(message: "decompresses to more than \(limit) bytes") }
                out.append(contentsOf: repeatElement(0, count: min(out.count, limit - out.count)))
            }
            let room = min(out.count - produced, Int(UInt32.max))
            status = out.withUnsafeMutableBufferPointer { o in
                stream.next_out = o.baseAddress! + produced
                stream.avail_out = UInt32(room)
                let s = inflate(&stream, Z_NO_FLUSH)
                produced += room - Int(stream.avail_out)
                return s
            }
            if status == Z_STREAM_END {
                if stream.avail_in > 0 && isGzip(Array(UnsafeBufferPointer(start: stream.next_in, count: 2))) {
                    inflateReset(&stream)       // another gzip member follows
                    continue
                }
                break
            }
            if status == Z_BUF_ERROR && stream.avail_in == 0 { throw GzipError(message: "the gzip data is truncated") }
            guard status == Z_OK || status == Z_BUF_ERROR else {
                throw GzipError(message: "corrupt gzip data (\(stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"))")
            }
        }
    }
    out.removeLast(out.count - produced)
    return out
}
