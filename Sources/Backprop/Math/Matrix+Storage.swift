import CMath

/// Where a matrix's elements live: a large matrix (a data set) in 2 MB pages.
///
/// A training step gathers its batch's rows from random places in the data set (Fashion-MNIST's
/// 60,000 × 784 floats are 188 MB). With 4 KB pages nearly every row is a TLB miss and a page
/// walk; with 2 MB pages the whole set needs 94 TLB entries. A C loop of that gather (64 random
/// rows of 784 floats) took 27 µs with 4 KB pages and 19 µs with 2 MB pages here. Linux gives a
/// process 2 MB pages where it asks for them (`madvise(MADV_HUGEPAGE)`, the default setting of
/// `/sys/kernel/mm/transparent_hugepage/enabled`) and only for memory not yet written, so the
/// advice comes between the allocation and the first write. Elsewhere it is a no-op.
extension Matrix {
    /// Matrices of at least this many bytes ask for 2 MB pages: a data set, not a batch or a layer.
    static var hugePageBytes: Int { 8 << 20 }

    /// Whether `count` elements take `hugePageBytes` or more.
    private static func isLarge(_ count: Int) -> Bool { count >= hugePageBytes / MemoryLayout<T>.stride }

    /// `count` elements set to `value`, in 2 MB pages when they take `hugePageBytes` or more.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    static func storage(count: Int, repeating value: T) -> [T] {
        guard isLarge(count) else { return [T](repeating: value, count: count) }
        return advised(capacity: count) { buffer in
            buffer.initialize(repeating: value)
            return count
        }
    }

    /// No elements, and room for `capacity` of them to be appended without a new allocation, in
    /// 2 MB pages when they take `hugePageBytes` or more: a matrix built row by row (a CSV file's).
    static func emptyStorage(capacity: Int) -> [T] {
        guard isLarge(capacity) else {
            var empty: [T] = []
            empty.reserveCapacity(capacity)
            return empty
        }
        return advised(capacity: capacity) { _ in 0 }
    }

    /// An array of `capacity` elements' room, advised before `fill` writes its first elements
    /// (it returns how many it wrote).
    private static func advised(capacity: Int, _ fill: (UnsafeMutableBufferPointer<T>) -> Int) -> [T] {
        [T](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            if let base = buffer.baseAddress { _ = backprop_advise_huge_pages(base, UInt(buffer.count * MemoryLayout<T>.stride)) }
            initialized = fill(buffer)
        }
    }
}
