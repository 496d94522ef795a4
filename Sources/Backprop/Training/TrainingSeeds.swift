/// The seeds a run derives from its `--seed` (and `--data-seed`), so that every front end (the
/// CLI, the playground) draws the same weights, data, splits and batches from the same seeds.
///
/// | seed              | from          | used for                               |
/// |-------------------|---------------|----------------------------------------|
/// | `weights`         | `seed`        | the initial weights                    |
/// | `shuffle`         | `seed + 2`    | the order of the mini-batches          |
/// | `dropout`         | `seed + 4`    | the dropout masks (with the step's number) |
/// | `data`            | `data`        | a generated set's points               |
/// | `validationSplit` | `data + 1`    | `--validation-split`                   |
/// | `testSplit`       | `data + 3`    | `--test-split`                         |
///
/// Without a data seed, `data` is `seed`: one seed makes the whole run. With one, a new `seed`
/// gives new weights on the same data.
///
/// ```swift
/// let seeds = TrainingSeeds(1)
/// let test = train.splitOff(validationFraction: 0.5, seed: seeds.testSplit)
/// ```
public struct TrainingSeeds: Sendable, Equatable {
    public var seed: UInt64
    /// The data's seed.
    public var data: UInt64
    public init(_ seed: UInt64, data: UInt64? = nil) {
        self.seed = seed
        self.data = data ?? seed
    }
    /// The initial weights.
    public var weights: UInt64 { seed }
    /// The validation split (`--validation-split`).
    public var validationSplit: UInt64 { data &+ 1 }
    /// The shuffles of the mini-batches.
    public var shuffle: UInt64 { seed &+ 2 }
    /// The dropout masks (``Dropout/generator(seed:step:)``).
    public var dropout: UInt64 { seed &+ 4 }
    /// The test split (`--test-split`).
    public var testSplit: UInt64 { data &+ 3 }
}
