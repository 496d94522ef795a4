/// Small built-in data sets.
public enum ToySets {
    /// The four XOR rows: `x` (4, 2) = `[0,0], [0,1], [1,0], [1,1]`, `y` (4, 1) = `0, 1, 1, 0`.
    ///
    /// ```swift
    /// let (x, y) = ToySets.xor(Float.self)
    /// ```
    public static func xor<T: Scalar>(_: T.Type = T.self) -> (x: Matrix<T>, y: Matrix<T>) {
        (Matrix([[0, 0], [0, 1], [1, 0], [1, 1]]), Matrix([[0], [1], [1], [0]]))
    }
}
