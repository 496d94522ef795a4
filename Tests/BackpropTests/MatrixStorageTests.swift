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
    /// The mapping that holds the matrix's middle is marked for huge pages (`hg` in its VmFlags,
    /// the advice taken) and, where the kernel gives them on advice, holds some.
    @Test("on Linux, a 32 MB matrix's memory is advised for 2 MB pages and gets them")
    func hugePages() throws {
        let mode = (try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8)) ?? "[never]"
        let m = Matrix<Float>(rows: 8_192, cols: 1_024, repeating: 1)
        let middle = m.storage.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress! + $0.count / 2) }
        let file = try #require(FileHandle(forReadingAtPath: "/proc/self/smaps"))
        let smaps = String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self)
        #expect(smaps.contains("VmFlags:"), "/proc/self/smaps read \(smaps.utf8.count) bytes")
        var inside = false, flags = "", hugeKB = -1
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let ends = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = ends.count == 2 && ends[0] <= middle && middle < ends[1]
            } else if inside && fields.first == "AnonHugePages:" {
                hugeKB = Int(fields[1]) ?? -1
            } else if inside && fields.first == "VmFlags:" {
                flags = fields.dropFirst().joined(separator: " ")
            }
        }
        #expect(m.storage[m.storage.count / 2] == 1)
        guard !mode.contains("[never]") else { return }
        #expect(flags.split(separator: " ").contains("hg"), "VmFlags: \(flags)")
        #expect(hugeKB > 0, "AnonHugePages: \(hugeKB) kB")
    }
    #endif
}
