/// Plain gradient descent, the tutorial's update: `W ← W − η·dW`, `b ← b − η·db`.
///
/// `η` is the learning rate; `dW` and `db` are the gradients the last `backward` left in each
/// layer (`weightGradient`, `biasGradient`).
///
/// ```swift
/// let sgd = GradientDescent<Float>(learningRate: 0.5)
/// sgd.step(&network)
/// ```
public struct GradientDescent<T: Scalar>: Sendable {
    /// `η`.
    public var learningRate: T

    public init(learningRate: T) { self.learningRate = learningRate }

    /// Applies one update to every layer of `network`.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func step(_ network: inout Network<T>) {
        for l in network.layers.indices {
            network.layers[l].applyGradient(learningRate: learningRate)
        }
    }
}

extension Dense {
    /// `W ← W − η·dW`, `b ← b − η·db`.
    mutating func applyGradient(learningRate eta: T) {
        subtractScaled(eta, weightGradient.storage, from: &weights.storage)
        subtractScaled(eta, biasGradient, from: &biases)
    }
}

/// `p ← p − η·g`, element by element.
func subtractScaled<T: Scalar>(_ eta: T, _ g: [T], from p: inout [T]) {
    precondition(g.count == p.count, "gradient has \(g.count) elements, parameter \(p.count)")
    g.withUnsafeBufferPointer { pg in
        p.withUnsafeMutableBufferPointer { pp in
            for i in pp.indices { pp[i] -= eta * pg[i] }
        }
    }
}
