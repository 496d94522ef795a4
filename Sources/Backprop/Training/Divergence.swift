/// Where training first produced a number that is not finite (NaN or ±∞).
public struct Divergence: Sendable {
    /// 1-based epoch and batch of the step that went wrong.
    public var epoch: Int
    public var batch: Int
    /// The first non-finite value: a layer's `z` or `a` in forward order (`layer 2 z`), else a
    /// layer's parameters (`layer 1 weights`), else `the loss`.
    public var place: String
    /// The network was put back to its parameters at the end of this epoch (0: the initial ones).
    public var restoredEpoch: Int
}
