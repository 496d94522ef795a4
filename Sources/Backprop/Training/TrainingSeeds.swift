/// The seeds a run derives from its one `--seed`, so that every front end (the CLI, the
/// playground) draws the same weights, splits and batches from the same seed.
///
/// ```swift
/// let seeds = TrainingSeeds(1)
/// let test = train.splitOff(validationFraction: 0.5, seed: seeds.testSplit)
/// ```
public struct TrainingSeeds: Sendable, Equatable {
    public var seed: UInt64
    public init(_ seed: UInt64) { self.seed = seed }
    /// The initial weights (and generated toy data).
    public var weights: UInt64 { seed }
    /// The validation split (`--validation-split`).
    public var validationSplit: UInt64 { seed &+ 1 }
    /// The shuffles of the mini-batches.
    public var shuffle: UInt64 { seed &+ 2 }
    /// The test split (`--test-split`).
    public var testSplit: UInt64 { seed &+ 3 }
}
