import ArgumentParser
import Backprop

/// A command line parsed, validated and planned, but not run: no data is loaded, nothing trains
/// and nothing is written. The argument fuzzer (`fuzz/`) drives every command through it.
///
/// ```swift
/// try DryRun.check(["train", "--data", "xor", "--activation", "relu,tanh"])   // throws: --activation gives 2 …
/// ```
public enum DryRun {
    /// Throws what the command would report before doing any work.
    public static func check(_ arguments: [String]) throws {
        let command = try BackpropCommand.parseAsRoot(arguments)        // parsing and validate()
        if let train = command as? TrainCommand {
            let (plan, _) = try train.resolvedPlan()
            try plan.validate()
            // A generated 2-D set's shape stands in for the data (which is not loaded).
            let shape = try plan.resolvedNetwork(features: plan.layers?.first ?? 2, outputs: plan.layers?.last ?? 2, classification: true)
            try plan.checkMemory(sizes: shape.sizes, samples: plan.samples, scalarBytes: 4)
        }
    }
}
