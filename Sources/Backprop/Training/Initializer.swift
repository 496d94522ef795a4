/// How a layer's first weights and biases are drawn.
///
/// | name       | weights                                   | biases     | default for            |
/// |------------|-------------------------------------------|------------|------------------------|
/// | `tutorial` | uniform in `[0, 1)`                       | `[0, 1)`   | `backprop xor`         |
/// | `xavier`   | uniform in `±√(6 / (in + out))` (Glorot)  | 0          | sigmoid, tanh, identity, softmax |
/// | `he`       | uniform in `±√(6 / in)` (He, Kaiming)     | 0          | relu, leaky-relu       |
///
/// `tutorial` is the tutorial's "small random values" exactly as its NumPy code draws them
/// (`np.random.uniform(size=…)`). Xavier keeps the variance of `z` about the same from layer to
/// layer for activations that are linear around 0; He doubles it for ReLUs, which zero half
/// their inputs.
///
/// Draw order, fixed so that a seed means the same network everywhere: the weights row by row
/// (`W[0][0], W[0][1], …`, i.e. the (out, in) layout), then the biases (tutorial only), layer
/// after layer, all from one `SeededGenerator`.
///
/// ```swift
/// var rng = SeededGenerator(seed: 42)
/// let layer = Dense<Float>(inputs: 784, outputs: 128, activation: .relu,
///                          initializer: .he, generator: &rng)
/// ```
public enum Initializer: String, CaseIterable, Sendable {
    case tutorial
    case xavier
    case he

    /// The usual choice for a layer with this activation: He for ReLUs, Xavier otherwise.
    public static func standard(for activation: Activation) -> Initializer {
        switch activation {
        case .relu, .leakyRelu: return .he
        case .sigmoid, .tanh, .identity, .softmax: return .xavier
        }
    }

    /// Draws `outputs × inputs` weights (row-major) and `outputs` biases, in Double.
    public func draw(inputs: Int, outputs: Int,
                     generator: inout SeededGenerator) -> (weights: [Double], biases: [Double]) {
        switch self {
        case .tutorial:
            let w = (0..<(inputs * outputs)).map { _ in generator.uniform() }
            let b = (0..<outputs).map { _ in generator.uniform() }
            return (w, b)
        case .xavier, .he:
            let limit = self == .xavier ? (6 / Double(inputs + outputs)).squareRoot() : (6 / Double(inputs)).squareRoot()
            let w = (0..<(inputs * outputs)).map { _ in generator.uniform(-limit, limit) }
            return (w, [Double](repeating: 0, count: outputs))
        }
    }
}
