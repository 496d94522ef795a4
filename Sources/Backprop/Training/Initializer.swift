/// How a layer's first weights and biases are drawn.
///
/// - `tutorial`: the tutorial's "small random values", exactly as its NumPy code draws them
///   (`np.random.uniform(size=…)`): every weight and every bias uniform in `[0, 1)`.
///
/// Draw order, fixed so that a seed means the same network everywhere: the weights row by row
/// (`W[0][0], W[0][1], …`, i.e. the (out, in) layout), then the biases, layer after layer, all
/// from one `SeededGenerator`.
///
/// ```swift
/// var rng = SeededGenerator(seed: 42)
/// let layer = Dense<Float>(inputs: 2, outputs: 2, activation: .sigmoid,
///                          initializer: .tutorial, generator: &rng)
/// ```
public enum Initializer: String, CaseIterable, Sendable {
    case tutorial

    /// Draws `outputs × inputs` weights (row-major) and `outputs` biases, in Double.
    public func draw(inputs: Int, outputs: Int,
                     generator: inout SeededGenerator) -> (weights: [Double], biases: [Double]) {
        switch self {
        case .tutorial:
            let w = (0..<(inputs * outputs)).map { _ in generator.uniform() }
            let b = (0..<outputs).map { _ in generator.uniform() }
            return (w, b)
        }
    }
}
