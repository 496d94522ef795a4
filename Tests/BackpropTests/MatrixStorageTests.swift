import Foundation
import Testing
@testable import Backprop

@Suite("Matrix storage: a data set's matrix in 2 MB pages")
struct MatrixStorageTests {
    @Test("a large matrix holds its value everywhere, from init and from resize; small ones too",
          arguments: [Float(0), 0.5])
    func values(value: Float) {
        let count = 4_096 * 1_024
        let big = Matrix<Float>(rows: 4_096, cols: 1_024, repeating: value)     // 16 MB
        #expect(big.storage.count == count)
        #expect(big.storage.allSatisfy { $0 == value })
        let small = Matrix<Float>(rows: 3, cols: 2, repeating: value)
        let six = [Float](repeating: value, count: 6)
        #expect(small.storage == six)
        var grown = Matrix<Double>(rows: 1, cols: 1)
        grown.resize(rows: 2_048, cols: 1_024)                                   // 16 MB of Double
        #expect(grown.storage.count == count / 2)
        #expect(grown.storage.allSatisfy { $0 == 0 })
    }

    #if os(Linux)
    /// The mapping that holds the matrix's middle is marked for huge pages (`hg` in its VmFlags:
    /// the advice taken, wherever the kernel has transparent huge pages) and, where the kernel
    /// gives 2 MB pages on advice and compacts memory for them when it must, holds some. Both
    /// ways a data set is made: filled at once (IDX, generated sets) and appended row by row (CSV).
    @Test("on Linux, a 32 MB matrix's memory is advised for 2 MB pages and gets them", arguments: ["filled", "appended"])
    func hugePages(made: String) throws {
        func setting(_ name: String) -> String? {
            try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/" + name, encoding: .utf8)
        }
        let count = 8_192 * 1_024
        var storage: [Float]
        if made == "filled" {
            storage = Matrix<Float>(rows: 8_192, cols: 1_024, repeating: 1).storage
        } else {
            storage = Matrix<Float>.emptyStorage(capacity: count)
            let row = [Float](repeating: 1, count: 1_024)
            for _ in 0..<8_192 { storage.append(contentsOf: row) }
        }
        #expect(storage.count == count)
        let middle = storage.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress! + $0.count / 2) }
        let (flags, hugeKB) = try Self.mapping(holding: middle)
        #expect(storage[count / 2] == 1)
        guard let enabled = setting("enabled") else { return }           // a kernel without them
        #expect(flags.contains("hg"), "VmFlags: \(flags)")
        let twoMB = setting("hpage_pmd_size")?.trimmingCharacters(in: .whitespacesAndNewlines) == "2097152"
        let onAdvice = enabled.contains("[always]") || enabled.contains("[madvise]")
        let sizeAllowed = !(setting("hugepages-2048kB/enabled")?.contains("[never]") ?? false)
        let compacts = ["[always]", "[madvise]", "[defer+madvise]"].contains { setting("defrag")?.contains($0) ?? false }
        if twoMB && onAdvice && sizeAllowed && compacts {
            #expect(hugeKB > 0, "AnonHugePages: \(hugeKB) kB")
        }
    }

    /// The VmFlags and AnonHugePages (kB) of the mapping that holds `address` (/proc/self/smaps).
    static func mapping(holding address: UInt) throws -> (flags: [String], hugeKB: Int) {
        let file = try #require(FileHandle(forReadingAtPath: "/proc/self/smaps"))
        let smaps = String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self)
        #expect(smaps.contains("VmFlags:"), "/proc/self/smaps read \(smaps.utf8.count) bytes")
        var inside = false, flags: [String] = [], hugeKB = -1
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let ends = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = ends.count == 2 && ends[0] <= address && address < ends[1]
            } else if inside && fields.first == "AnonHugePages:" {
                hugeKB = Int(fields[1]) ?? -1
            } else if inside && fields.first == "VmFlags:" {
                flags = fields.dropFirst().map(String.init)
            }
        }
        return (flags, hugeKB)
    }
    #endif
}
