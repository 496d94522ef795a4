import CThreads
import Foundation

/// Splitting one computation over the cores, in `threads` parts at once (a fork-join pool of
/// long-lived threads, `CThreads`). A training step is split in two or three regions, the first
/// layer's inputs (when it has enough), the batch's rows, then the layers' neurons
/// (`Network+SplitStep.swift`); everything else — `forward` for an
/// evaluation, `explain` — splits each product and update:
///
/// | what                          | split                                                   |
/// |-------------------------------|---------------------------------------------------------|
/// | a training step               | the first layer's sums by inputs (≥ 64 a part); forward,|
/// |                               | loss and δ by rows; dW, db, update by neurons           |
/// | `C = op(A)·op(B)` (m × n)     | C's columns (or rows, when m > n) in blocks of 16        |
/// | an optimizer update           | each parameter tensor in blocks of 64 elements          |
/// | σ, σ', a batch's gather       | whole rows of the batch                                  |
/// | a bias gradient `Σ_batch δ`   | its columns in blocks of 16                              |
///
/// Every element of a result is computed by exactly one thread, and a sum cut in parts (only a
/// training step's first-layer sums over its inputs) is cut in the same places for a given
/// number of parts and added in part order, so a run is deterministic for a given thread count
/// (the same seed gives the same bits, every time). Between thread counts, an update is the same
/// bit for bit (element by element), but a product may differ in the last bits of Float: BLAS is
/// handed half-size products, which it may block and round differently, and a first layer's sums
/// are rounded in two parts (on Fashion-MNIST, weights after one epoch differ by ~1e-6; the tests
/// bound the difference). Work too small to pay for the hand-off
/// (under ``minimumWork`` multiply-adds or ``minimumUpdates`` elements per part) is not split.
///
/// The thread count belongs to the calling thread: ``withThreads(_:_:)`` sets it for a block
/// (a ``TrainingRun`` sets its plan's `threads` around each step), so two threads training two
/// networks do not change each other's splits.
///
/// ```swift
/// Parallel.withThreads(2) {
///     _ = network.trainStep(x, y, optimizer: &sgd)
/// }
/// ```
public enum Parallel {
    /// The calling thread's thread count (1 unless set by ``withThreads(_:_:)``).
    public static var threads: Int { Int(bp_threads_get()) }

    /// Sets the calling thread's thread count (clamped to 1…256) until it is set again.
    public static func setThreads(_ count: Int) { bp_threads_set(Int32(clamping: count)) }

    /// Runs `body` with the calling thread's products and updates split in `count` parts.
    public static func withThreads<R>(_ count: Int, _ body: () throws -> R) rethrows -> R {
        let saved = bp_threads_get()
        bp_threads_set(Int32(clamping: count))
        defer { bp_threads_set(saved) }
        return try body()
    }

    /// Below this many multiply-adds per part, a product is not split.
    public static let minimumWork = 1 << 16
    /// Below this many elements per part, an update is not split (an element of Adam's update
    /// costs about as much as 10 multiply-adds of a product).
    public static let minimumUpdates = 1 << 13

    /// In how many parts to do `work` units: at most ``threads``, at least `minimum` each.
    static func parts(work: Int, minimum: Int = minimumWork) -> Int { max(1, min(threads, cores, work / minimum)) }

    /// The machine's cores: more parts than that would only wait for each other (the workers spin).
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body(part)` for `part` in `0..<parts`, at the same time, and returns when all are done.
    /// The closure is boxed on the heap once per run (`withoutActuallyEscaping`); a training step
    /// hands over ``ParallelTask`` values instead, which cost no allocation.
    static func run(_ parts: Int, _ body: (Int) -> Void) {
        if parts <= 1 { body(0); return }
        withoutActuallyEscaping(body) { body in
            var task = body
            withUnsafeMutablePointer(to: &task) { pointer in
                bp_parallel_run(parts, { context, part in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(part)
                }, pointer)
            }
        }
    }

    /// `0..<count` cut into `parts` ranges whose bounds are multiples of `block` (the last one
    /// ends at `count`); `part` picks one. Ranges may be empty.
    static func range(_ part: Int, of parts: Int, count: Int, block: Int) -> Range<Int> {
        let blocks = (count + block - 1) / block
        let perPart = (blocks + parts - 1) / parts
        let start = min(count, part * perPart * block)
        return start..<min(count, (part + 1) * perPart * block)
    }

    /// Runs `body` over the elements of a (rows, cols) matrix cut in parts of whole rows (so a
    /// row-wise formula like softmax sees whole rows), at the same time.
    static func forEachRows(rows: Int, cols: Int, _ body: (Range<Int>) -> Void) {
        let parts = parts(work: rows * cols, minimum: minimumUpdates)
        run(parts) { part in
            let r = range(part, of: parts, count: rows, block: 1)
            if !r.isEmpty { body((r.lowerBound * cols)..<(r.upperBound * cols)) }
        }
    }

    /// Runs `body` over `0..<count` cut in parts (blocks of `block`), at the same time.
    static func forEachRange(count: Int, block: Int, _ body: (Range<Int>) -> Void) {
        let parts = parts(work: count, minimum: minimumUpdates)
        run(parts) { part in
            let r = range(part, of: parts, count: count, block: block)
            if !r.isEmpty { body(r) }
        }
    }
}
