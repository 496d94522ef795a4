import CZlib
import Foundation

/// A small PNG encoder for heatmaps: 8-bit RGB, one zlib stream, no filtering.
///
/// A PNG is the 8-byte signature and three chunks — `IHDR` (size, bit depth 8, colour type 2 =
/// RGB), `IDAT` (the rows, each prefixed by filter byte 0, deflated) and `IEND` — each chunk
/// `length · type · data · CRC-32(type · data)`.
///
/// ```swift
/// let png = PNG.rgb(width: 2, height: 1, pixels: [255, 0, 0,  0, 0, 255])   // red, blue
/// svg.image(x: 0, y: 0, width: 20, height: 10, png: png)
/// ```
public enum PNG {
    /// The PNG file of a `width × height` image; `pixels` holds `r, g, b` bytes row by row from
    /// the top.
    public static func rgb(width: Int, height: Int, pixels: [UInt8]) -> [UInt8] {
        precondition(width >= 1 && height >= 1 && pixels.count == width * height * 3)
        var raw = [UInt8](repeating: 0, count: height * (1 + 3 * width))     // filter byte 0 per row
        for r in 0..<height {
            let to = r * (1 + 3 * width) + 1, from = r * 3 * width
            for i in 0..<(3 * width) { raw[to + i] = pixels[from + i] }
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]                   // depth 8, RGB, deflate, no filter method, no interlace
        chunk("IHDR", header, into: &out)
        chunk("IDAT", deflate(raw), into: &out)
        chunk("IEND", [], into: &out)
        return out
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        let body = Array(type.utf8) + data
        out += bigEndian(UInt32(data.count)) + body
        let crc = body.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, uInt($0.count)) }
        out += bigEndian(UInt32(truncatingIfNeeded: crc))
    }

    /// A zlib stream of `data` (level 6), with a window no larger than the data: zlib's default
    /// window and hash table take 256 KB to set up, which for the playground's 16×16 neuron maps
    /// (97 images a state) cost more than compressing them.
    static func deflate(_ data: [UInt8]) -> [UInt8] {
        var windowBits: Int32 = 9                       // 512 bytes … 32 KB, the smallest that holds the data
        while windowBits < 15 && (1 << windowBits) < data.count { windowBits += 1 }
        var stream = z_stream()
        var status = deflateInit2_(&stream, 6, Z_DEFLATED, windowBits, max(1, windowBits - 7), Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit2 failed (\(status))")     // only on out-of-memory
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))))
        let size = out.withUnsafeMutableBufferPointer { o in
            data.withUnsafeBufferPointer { i in
                stream.next_in = UnsafeMutablePointer(mutating: i.baseAddress)
                stream.avail_in = uInt(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                status = CZlib.deflate(&stream, Z_FINISH)
                return o.count - Int(stream.avail_out)
            }
        }
        precondition(status == Z_STREAM_END, "zlib deflate failed (\(status))")  // the output holds deflateBound bytes
        return Array(out.prefix(size))
    }
}
