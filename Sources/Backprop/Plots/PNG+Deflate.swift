import CZlib

/// A zlib stream for PNG's `IDAT`, written here: one final deflate block with the *fixed*
/// Huffman codes (RFC 1951 §3.2.6), its matches found greedily through a hash of the last three
/// bytes.
///
/// Why not zlib's `deflate`: for the playground's small images (a 16 × 16 neuron map is 784
/// bytes; a 2-8-8-2 state draws 20 of them and a 48 × 48 heatmap) zlib builds three Huffman trees
/// per block whatever the strategy or level, 20–40 µs an image, about a fifth of a state's work.
/// Fixed codes cost no tree, and on these smooth maps (runs of equal pixels: matches at distance
/// 3 and at the row length) they lose a few percent of size at most.
///
/// | symbol           | fixed code (MSB first)       | extra bits                           |
/// |------------------|------------------------------|--------------------------------------|
/// | literal 0…143    | 8 bits, `0x30 + b`           | –                                    |
/// | literal 144…255  | 9 bits, `0x190 + b − 144`    | –                                    |
/// | 256 (end), 257…279 | 7 bits, `s − 256`          | length: `lengthExtra[s − 257]`       |
/// | 280…287          | 8 bits, `0xC0 + s − 280`     | length                               |
/// | distance 0…29    | 5 bits, the code             | `distanceExtra[code]`                |
///
/// The stream: `0x78 0x01` (deflate, 32 KB window, check bits), the block (`BFINAL = 1`,
/// `BTYPE = 01`), then the Adler-32 of the data, big-endian.
extension PNG {
    static func deflate(_ data: [UInt8]) -> [UInt8] {
        var bits = BitWriter(capacity: data.count + data.count / 8 + 16)
        bits.bytes += [0x78, 0x01]
        bits.write(1, count: 1)                                   // BFINAL
        bits.write(1, count: 2)                                   // BTYPE 01: fixed codes
        data.withUnsafeBufferPointer { d in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: hashSize) { head in
                head.initialize(repeating: -1)
                var i = 0
                while i < d.count {
                    var length = 0, distance = 0
                    if i + 3 <= d.count {
                        let h = hash(d, i)
                        let candidate = Int(head[h])
                        head[h] = Int32(i)
                        if candidate >= 0 && i - candidate <= maxDistance {
                            let limit = min(258, d.count - i)
                            while length < limit && d[candidate + length] == d[i + length] { length += 1 }
                            distance = i - candidate
                        }
                    }
                    if length >= 3 {
                        bits.length(length)
                        bits.distance(distance)
                        for j in (i + 1)..<min(i + length, d.count - 2) { head[hash(d, j)] = Int32(j) }
                        i += length
                    } else {
                        bits.literal(Int(d[i]))
                        i += 1
                    }
                }
            }
        }
        bits.symbol(256)                                          // end of block
        bits.flush()
        let adler = data.withUnsafeBufferPointer { UInt32(truncatingIfNeeded: CZlib.adler32(1, $0.baseAddress, uInt($0.count))) }
        bits.bytes += bigEndian(adler)
        return bits.bytes
    }

    private static let hashSize = 1 << 12
    private static let maxDistance = 32768

    private static func hash(_ d: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let v = UInt32(d[i]) | UInt32(d[i + 1]) << 8 | UInt32(d[i + 2]) << 16
        return Int((v &* 2_654_435_761) >> 20) & (hashSize - 1)
    }

    private static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                            67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                              1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
                                               11, 11, 12, 12, 13, 13]

    /// Bits packed from the least significant end of each byte, as deflate reads them.
    private struct BitWriter {
        var bytes: [UInt8]
        var buffer: UInt64 = 0, count = 0

        init(capacity: Int) {
            bytes = []
            bytes.reserveCapacity(capacity)
        }

        /// The low `count` bits of `value`, least significant first (headers, extra bits).
        mutating func write(_ value: Int, count n: Int) {
            buffer |= UInt64(value) << UInt64(count)
            count += n
            while count >= 8 {
                bytes.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                count -= 8
            }
        }

        /// A Huffman code of `n` bits, most significant first.
        mutating func code(_ code: Int, bits n: Int) {
            var reversed = 0
            for k in 0..<n { reversed |= (code >> k & 1) << (n - 1 - k) }
            write(reversed, count: n)
        }

        /// A literal/length symbol (0…287) in the fixed code.
        mutating func symbol(_ s: Int) {
            switch s {
            case 0...143: code(0x30 + s, bits: 8)
            case 144...255: code(0x190 + s - 144, bits: 9)
            case 256...279: code(s - 256, bits: 7)
            default: code(0xC0 + s - 280, bits: 8)
            }
        }

        mutating func literal(_ byte: Int) { symbol(byte) }

        /// A match length (3…258): its symbol 257…285, then its extra bits.
        mutating func length(_ length: Int) {
            var c = PNG.lengthBase.count - 1
            while PNG.lengthBase[c] > length { c -= 1 }
            symbol(257 + c)
            if PNG.lengthExtra[c] > 0 { write(length - PNG.lengthBase[c], count: PNG.lengthExtra[c]) }
        }

        /// A match distance (1…32768): its 5-bit code, then its extra bits.
        mutating func distance(_ distance: Int) {
            var c = PNG.distanceBase.count - 1
            while PNG.distanceBase[c] > distance { c -= 1 }
            code(c, bits: 5)
            if PNG.distanceExtra[c] > 0 { write(distance - PNG.distanceBase[c], count: PNG.distanceExtra[c]) }
        }

        /// The last bits, padded with zeros to a byte.
        mutating func flush() {
            if count > 0 { bytes.append(UInt8(truncatingIfNeeded: buffer)) }
            buffer = 0
            count = 0
        }
    }
}
