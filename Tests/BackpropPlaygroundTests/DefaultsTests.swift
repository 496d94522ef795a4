import Foundation
import Testing
@testable import Backprop
@testable import BackpropPlayground

/// The page's defaults teach: on every data set they reach the goal within 15 seconds at the
/// default speed (30 epochs/s, so 450 epochs): 90% test accuracy on the class sets, a test R²
/// of 0.9 (90% of the targets' variance explained) on the regression sets.
@Suite("Playground defaults that learn")
struct DefaultsTests {
    @Test("each data set reaches its goal with the page's defaults within 450 epochs (15 s at 30 epochs/s)",
          arguments: ToySets.Shape.allCases)
    func defaultsLearn(shape: ToySets.Shape) throws {
        var settings = PlaygroundSettings()
        try settings.apply(.object([("data", .string(shape.rawValue))]))
        var run = try PlaygroundRun(settings: settings)
        var reached: Int? = nil
        while run.epochsDone < 450 && reached == nil {
            run.trainEpoch()
            let m = run.history[run.history.count - 1]
            if (m.testAccuracy ?? m.testR2 ?? 0) >= 0.9 { reached = run.epochsDone }
        }
        let m = run.history[run.history.count - 1]
        print("defaults: \(shape.rawValue) reached the goal at epoch \(reached.map(String.init) ?? "–") (test accuracy \(m.testAccuracy.map { String($0) } ?? "–"), R² \(m.testR2.map { String($0) } ?? "–"), test loss \(m.test))")
        #expect(reached != nil, "\(shape.rawValue): test accuracy \(m.testAccuracy ?? -1), R² \(m.testR2 ?? -1) after 450 epochs")
    }
}
