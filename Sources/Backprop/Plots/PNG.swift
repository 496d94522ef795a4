import CZlib
import Foundation

/// A small PNG encoder for heatmaps: 8-bit RGB, one zlib stream (our own deflate, `PNG+Deflate.swift`),
/// no filtering.
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
}
