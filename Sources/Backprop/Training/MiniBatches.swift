/// The order in which mini-batch training visits the samples: every epoch shuffles the sample
/// indices (from one seeded generator) and slices them into batches of `batchSize`; the last
/// batch of an epoch may be smaller.
///
/// `fit` uses it, and so does anything that trains a batch at a time (the playground): the same
/// seed gives the same batches, so both train the same way.
///
/// ```swift
/// var batches = MiniBatches(count: 10, batchSize: 4, shuffle: true, seed: 3)
/// batches.startEpoch()                 // shuffles
/// batches.count                        // 3 batches: 4 + 4 + 2 samples
/// let first = batches.indices(0)       // 4 sample indices
/// ```
public struct MiniBatches: Sendable {
    public let samples: Int
    public let batchSize: Int
    public let shuffle: Bool
    var rng: SeededGenerator
    /// The sample indices of the current epoch, in visiting order.
    public internal(set) var order: [Int]

    public init(count: Int, batchSize: Int, shuffle: Bool, seed: UInt64) {
        precondition(batchSize >= 1 && count >= 0)
        self.samples = count
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.rng = SeededGenerator(seed: seed)
        self.order = Array(0..<count)
    }

    /// Batches per epoch: ⌈samples / batchSize⌉.
    public var count: Int { (samples + batchSize - 1) / batchSize }

    /// Begins an epoch: a new shuffle of the order (when shuffling).
    public mutating func startEpoch() {
        if shuffle { rng.shuffle(&order) }
    }

    /// The sample indices of batch `b` (0-based) of the current epoch.
    public func indices(_ b: Int) -> ArraySlice<Int> {
        let start = min(max(b, 0) * batchSize, samples)               // past the last batch: none (not a trap)
        return order[start..<min(start + batchSize, samples)]
    }
}
