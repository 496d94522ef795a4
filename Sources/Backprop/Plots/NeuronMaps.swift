/// Every neuron's output over a grid of 2-D inputs — the small pictures TensorFlow Playground
/// draws inside its neurons: what each neuron has learned to respond to.
///
/// Layer 0 holds the inputs themselves (each input feature over the grid), layer `l ≥ 1` holds
/// `a^l_j` for every grid point, from one forward pass of the whole grid as a batch.
///
/// ```swift
/// let grid = DecisionBoundary.Grid<Float>(covering: [raw], resolution: 24)
/// var inputs = grid.points; preprocessing?.apply(to: &inputs)
/// let maps = NeuronMaps(network: net, inputs: inputs, resolution: 24)
/// let png = maps.png(layer: 1, neuron: 0)
/// ```
public struct NeuronMaps: Sendable {
    public var resolution: Int
    /// `values[l][j]`: neuron `j` of layer `l` at each grid point (resolution², rows from the top).
    public var values: [[[Double]]]
    /// The activation of each layer (nil for the inputs), which sets the colour scale.
    public var activations: [Activation?]

    /// Runs `inputs` ((resolution², network inputs): the grid as the network sees it) forward
    /// through a copy of `network`.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public init<T: Scalar>(network: Network<T>, inputs: Matrix<T>, resolution: Int) {
        precondition(inputs.rows == resolution * resolution && inputs.cols == network.inputSize)
        var net = network
        net.forward(inputs)
        func columns(_ m: Matrix<T>) -> [[Double]] {
            (0..<m.cols).map { j in (0..<m.rows).map { Double(m[$0, j]) } }
        }
        self.resolution = resolution
        values = [columns(inputs)] + net.layers.map { columns($0.a) }
        activations = [nil] + net.layers.map(\.activation)
    }

    /// The colour position (0…1, orange to blue) of value `v` of layer `l`: probabilities
    /// (sigmoid, softmax) as they are; tanh from −1…1; other values scaled by `largest`, the
    /// largest magnitude of that neuron's map.
    func position(_ v: Double, layer l: Int, largest: Double) -> Double {
        switch activations[l] {
        case .sigmoid?, .softmax?: return v
        case .tanh?: return 0.5 + 0.5 * v
        default: return 0.5 + 0.5 * v / max(largest, 1e-9)
        }
    }

    /// Neuron `j` of layer `l` as a PNG heatmap, in the decision boundary's colours.
    public func png(layer l: Int, neuron j: Int) -> [UInt8] {
        let map = values[l][j]
        let largest = map.reduce(0) { max($0, abs($1)) }
        var pixels: [UInt8] = []
        pixels.reserveCapacity(3 * map.count)
        for v in map {
            let (r, g, b) = DecisionBoundary.rgb(probability: position(v, layer: l, largest: largest))
            pixels.append(r); pixels.append(g); pixels.append(b)     // (no array per pixel)
        }
        return PNG.rgb(width: resolution, height: resolution, pixels: pixels)
    }
}
