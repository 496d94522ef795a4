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
        // At worst a byte costs 9 bits as a literal, and 31/24 bits in a match of 3 (8 + 5 + 5 + 13
        // bits): 4/3 of a byte each, + the header, the block's bits and end, the Adler-32.
        let capacity = 2 + data.count * 4 / 3 + 16 + 4
        let (codes, lengthCodes, distanceCodes) = (fixedCodes, lengthSymbols, fixedDistanceCodes)
        return [UInt8](unsafeUninitializedCapacity: capacity) { out, written in
            var bits = BitWriter(out: out.baseAddress!)
            bits.byte(0x78); bits.byte(0x01)
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
                            let c = Int(lengthCodes[length])                   // length: symbol, extra bits
                            bits.code(codes[257 + c])
                            if lengthExtra[c] > 0 { bits.write(length - lengthBase[c], count: lengthExtra[c]) }
                            var k = distanceBase.count - 1                     // distance: 5-bit code, extra bits
                            while distanceBase[k] > distance { k -= 1 }
                            bits.write(distanceCodes[k], count: 5)
                            if distanceExtra[k] > 0 { bits.write(distance - distanceBase[k], count: distanceExtra[k]) }
                            for j in (i + 1)..<min(i + length, d.count - 2) { head[hash(d, j)] = Int32(j) }
                            i += length
                        } else {
                            bits.code(codes[Int(d[i])])
                            i += 1
                        }
                    }
                }
            }
            bits.code(codes[256])                                     // end of block
            bits.flush()
            let adler = data.withUnsafeBufferPointer { UInt32(truncatingIfNeeded: CZlib.adler32(1, $0.baseAddress, uInt($0.count))) }
            for shift in [24, 16, 8, 0] { bits.byte(UInt8(truncatingIfNeeded: adler >> UInt32(shift))) }
            written = bits.written
        }
    }

    private static let hashSize = 1 << 12
    private static let maxDistance = 32768

    private static func hash(_ d: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let v = UInt32(d[i]) | UInt32(d[i + 1]) << 8 | UInt32(d[i + 2]) << 16
        return Int((v &* 2_654_435_761) >> 20) & (hashSize - 1)
    }

    /// `code`'s low `n` bits in reverse order: deflate sends a Huffman code most significant
    /// bit first into a stream packed from the least significant end.
    private static func reversed(_ code: Int, bits n: Int) -> Int {
        var r = 0
        for k in 0..<n { r |= (code >> k & 1) << (n - 1 - k) }
        return r
    }

    /// The fixed code of each literal/length symbol 0…287 (the table above), bit-reversed in
    /// the low 16 bits, its length above.
    private static let fixedCodes: [UInt32] = (0..<288).map { s in
        let (code, n) = switch s {
        case 0...143: (0x30 + s, 8)
        case 144...255: (0x190 + s - 144, 9)
        case 256...279: (s - 256, 7)
        default: (0xC0 + s - 280, 8)
        }
        return UInt32(reversed(code, bits: n)) | UInt32(n) << 16
    }

    /// The 5-bit code of each distance code 0…29, bit-reversed.
    private static let fixedDistanceCodes: [Int] = (0..<30).map { reversed($0, bits: 5) }

    /// For each match length 3…258, the index of its length code (symbol 257 + index).
    private static let lengthSymbols: [UInt8] = (0...258).map { length in
        var c = lengthBase.count - 1
        while c > 0 && lengthBase[c] > length { c -= 1 }
        return UInt8(c)
    }

    private static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                            67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                              1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
                                               11, 11, 12, 12, 13, 13]

    /// Bits packed from the least significant end of each byte, as deflate reads them, into a
    /// buffer large enough for the stream.
    private struct BitWriter {
        let out: UnsafeMutablePointer<UInt8>
        var written = 0
        var buffer: UInt64 = 0, count = 0

        init(out: UnsafeMutablePointer<UInt8>) { self.out = out }

        mutating func byte(_ b: UInt8) {
            out[written] = b
            written += 1
        }

        /// The low `n` bits of `value`, least significant first.
        mutating func write(_ value: Int, count n: Int) {
            buffer |= UInt64(truncatingIfNeeded: value) << UInt64(count)
            count += n
            while count >= 8 {
                byte(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                count -= 8
            }
        }

        /// A code from ``fixedCodes`` (reversed bits, length above them).
        mutating func code(_ packed: UInt32) { write(Int(packed & 0xFFFF), count: Int(packed >> 16)) }

        /// The last bits, padded with zeros to a byte.
        mutating func flush() {
            if count > 0 { byte(UInt8(truncatingIfNeeded: buffer)) }
            buffer = 0
            count = 0
        }
    }
}
