import Foundation
import Testing
@testable import Backprop

/// `backprop-bench pair`, which the harness's one-process 2-thread figures come from: two runs,
/// 1 and 2 threads, in turn in one process, each epoch timed by its own run.
@Suite("backprop-bench pair")
struct BenchPairTests {
    @Test("1 and 2 threads in turn: epochs end alternately, one ratio (2 over 1) per epoch pair after the first, medians of them")
    func pairs() throws {
        // 256 rows of batch 32: 8 steps an epoch, in turn every 3 steps (an epoch ends mid-turn).
        let run = try backpropBench(["pair", "--layers", "784,64,10", "--batch", "32", "--rows", "256", "--reps", "3", "--steps", "3"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSON.parse(run.stdout)
        func numbers(_ key: String) -> [Double] {
            guard case .array(let values)? = json[key] else { return [] }
            return values.compactMap { $0.number.flatMap(Double.init) }
        }
        func number(_ key: String) -> Double? { json[key]?.number.flatMap(Double.init) }
        // Run 1 (1 thread) then run 2 (2 threads) end each epoch, warm-up included: 4 pairs.
        #expect(numbers("epoch_ends") == [1, 2, 1, 2, 1, 2, 1, 2])
        let (one, two, ratios) = (numbers("seconds_1"), numbers("seconds_2"), numbers("ratios"))
        #expect(one.count == 3 && two.count == 3 && ratios.count == 3)         // the warm-up left out
        #expect((one + two).allSatisfy { $0.isFinite && $0 > 0 })
        for i in ratios.indices where i < one.count && i < two.count {
            #expect(abs(ratios[i] - two[i] / one[i]) <= 1e-12 * ratios[i])        // 2 threads over 1
        }
        #expect(number("seconds_per_epoch_1") == one.sorted()[1])
        #expect(number("seconds_per_epoch_2") == two.sorted()[1])
        #expect(number("ratio") == ratios.sorted()[1])
        #expect(number("turn_steps") == 3)
    }
}
