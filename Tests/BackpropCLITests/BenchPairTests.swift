import Foundation
import Testing
@testable import Backprop

/// `backprop-bench pair`, which the harness's 2-thread goal lines read: two runs, 1 and 2
/// threads, in turn in one process, each epoch timed by its own run.
@Suite("backprop-bench pair")
struct BenchPairTests {
    @Test("1 and 2 threads in turn: one ratio per epoch after the first, each the epochs' own")
    func pairs() throws {
        // 256 rows of batch 32: 8 steps an epoch, in turn every 3 steps (an epoch ends mid-turn).
        let run = try backpropBench(["pair", "--layers", "784,64,10", "--batch", "32", "--rows", "256", "--reps", "3", "--steps", "3"])
        #expect(run.status == 0)
        let json = try JSON.parse(run.stdout)
        guard case .array(let ratios)? = json["ratios"] else { Issue.record("no ratios in \(json)"); return }
        let values = ratios.compactMap { $0.number.flatMap(Double.init) }
        #expect(values.count == 3)
        #expect(values.allSatisfy { $0.isFinite && $0 > 0 })
        let one = try #require(json["seconds_per_epoch_1"]?.number.flatMap(Double.init))
        let two = try #require(json["seconds_per_epoch_2"]?.number.flatMap(Double.init))
        #expect(one > 0 && two > 0)
        let ratio = try #require(json["ratio"]?.number.flatMap(Double.init))
        #expect(ratio == values.sorted()[1])          // the median of the three
    }
}
