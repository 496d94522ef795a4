/// Row access and row-wise sums: batches gathered from a data set, evaluation chunks, bias
/// gradients, predicted classes.
extension Matrix {
    /// The column of the largest value in row `r` (the first, on ties).
    @_specialize(exported: true, where T == Float)
    public func argmax(row r: Int) -> Int {
        var best = 0
        for c in 1..<max(cols, 1) where self[r, c] > self[r, best] { best = c }
        return best
    }

    /// A new matrix of the rows in `range`.
    @_specialize(exported: true, where T == Float)
    public func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, cols: cols, storage: Array(storage[(range.lowerBound * cols)..<(range.upperBound * cols)]))
    }

    /// Reorders the rows in place: row `i` becomes the old row `order[i]`.
    @_specialize(exported: true, where T == Float)
    public mutating func permuteRows(_ order: [Int]) {
        precondition(order.count == rows, "permutation of \(order.count) for \(rows) rows")
        var done = [Bool](repeating: false, count: rows)
        var saved = [T](repeating: 0, count: cols)
        let cols = self.cols
        storage.withUnsafeMutableBufferPointer { p in
            for start in 0..<rows where !done[start] {     // follow each cycle of the permutation
                for c in 0..<cols { saved[c] = p[start * cols + c] }
                var i = start
                while true {
                    done[i] = true
                    let from = order[i]
                    if from == start {
                        for c in 0..<cols { p[i * cols + c] = saved[c] }
                        break
                    }
                    for c in 0..<cols { p[i * cols + c] = p[from * cols + c] }
                    i = from
                }
            }
        }
    }
}

extension Matrix {
    /// Makes this matrix a copy of `source`'s rows in `range`, reusing the allocation.
    @_specialize(exported: true, where T == Float)
    public mutating func copyRows(of source: Matrix, _ range: Range<Int>) {
        if rows != range.count || cols != source.cols { resize(rows: range.count, cols: source.cols) }
        let cols = source.cols
        source.storage.withUnsafeBufferPointer { s in
            storage.withUnsafeMutableBufferPointer { d in
                d.baseAddress!.update(from: s.baseAddress! + range.lowerBound * cols, count: range.count * cols)
            }
        }
    }

    /// Makes this matrix the rows `indices` of `source`, in that order, reusing the allocation.
    @_specialize(exported: true, where T == Float)
    public mutating func gatherRows(of source: Matrix, _ indices: ArraySlice<Int>) {
        if rows != indices.count || cols != source.cols { resize(rows: indices.count, cols: source.cols) }
        let cols = source.cols
        source.storage.withUnsafeBufferPointer { s in
            storage.withUnsafeMutableBufferPointer { d in
                // Through buffer pointers, not the slice's iterator: an unspecialised (debug) caller
                // would allocate for every row of that.
                indices.withUnsafeBufferPointer { rows in
                    let parts = Parallel.parts(work: rows.count * cols, minimum: Parallel.minimumUpdates)
                    Parallel.run(parts) { part in        // rows of a large batch in parts, at once
                        for r in Parallel.range(part, of: parts, count: rows.count, block: 1) {
                            (d.baseAddress! + r * cols).update(from: s.baseAddress! + rows[r] * cols, count: cols)
                        }
                    }
                }
            }
        }
    }
}

extension Matrix {
    /// `out = Σ_rows self`, (cols): a bias gradient `db = Σ_batch δ`.
    func sumRows(into out: inout [T]) {
        precondition(out.count == cols, "\(out.count) outputs for \(cols) columns")
        let (rows, cols) = (self.rows, self.cols)
        guard rows > 0 else { return out.indices.forEach { out[$0] = 0 } }
        storage.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                guard let p = p.baseAddress, let o = o.baseAddress else { return }      // (no columns)
                let parts = Parallel.parts(work: rows * cols, minimum: Parallel.minimumUpdates)
                Parallel.run(parts) { part in                       // columns in parts, at once
                    Matrix.sumRows(p, rows: rows, cols: cols, columns: Parallel.range(part, of: parts, count: cols, block: 16), into: o)
                }
            }
        }
    }

    /// `out[j] = Σ_r p[r, j]` for `j` in `columns` of the (rows, cols) matrix at `p`, each column
    /// summed from row 0 down — the bits of `var s = 0; for r in 0..<rows { s += p[r, j] }` —
    /// but a row at a time across the columns, so that the loop runs in vector registers
    /// (column by column it read one float per row, `cols` floats apart).
    @inline(__always)
    static func sumRows(_ p: UnsafePointer<T>, rows: Int, cols: Int, columns: Range<Int>, into out: UnsafeMutablePointer<T>) {
        for j in columns { out[j] = 0 }
        for r in 0..<rows {
            let row = p + r * cols
            for j in columns { out[j] += row[j] }
        }
    }
}
