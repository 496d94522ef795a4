/// Compares every analytic gradient of a network with a finite-difference estimate, in Double.
///
/// For each parameter `p` the numeric derivative is the fourth-order central difference
/// ```
/// dLoss/dp ≈ [−L(p+2h) + 8 L(p+h) − 8 L(p−h) + L(p−2h)] / 12h      (error O(h⁴))
/// ```
/// and the error of a gradient is relative:
/// ```
/// error = |analytic − numeric| / max(|analytic|, |numeric|, floor)
/// ```
/// where `floor` (default 1e-5) keeps gradients that are zero or nearly so from dividing by zero.
/// With `h = 1e-3` the stencil's truncation error (`h⁴ f⁽⁵⁾ / 30`) and rounding error
/// (`≈ 1.5 ε |L| / h`) are both about 1e-12, so gradients smaller than the floor are held to an
/// absolute error of `1e-6 · floor = 1e-11` and all others to a relative error of 1e-6.
///
/// Rounding limits what a finite difference can resolve: each `L` is rounded by about `ε |L|`,
/// and each of `p ± h`, `p ± 2h` by up to half an ulp, so the estimate is uncertain by about
/// ```
/// rounding = (1.5 ε |L| + 0.75 ulp(|p| + 2h) |analytic|) / h     (1.5 = 18/12, 0.75 = 18·½/12)
/// ```
/// (relative to the same denominator as the error). A parameter whose error is above
/// ``unresolvable`` (1e-7, a tenth of the usual tolerance) but within twice its rounding is left
/// out and counted in `unresolved`: the difference measured nothing there (weights of 10⁵ and up
/// with a gradient of 1, where `p ± h` loses digits; weights of 10¹³, where `p + h == p`; a
/// large loss). An error well above its rounding is ranked as any other, so a wrong gradient
/// still fails, whatever the weights; an error below 1e-7 is compared as usual.
///
/// ReLU and leaky ReLU have a kink at `z = 0`. A parameter whose ±2h moves any such `z` across 0
/// is left out and counted in `kinkCrossings` (its analytic gradient is still right; the
/// finite difference is what breaks).
///
/// ```swift
/// let report = GradientCheck.run(network: net, input: x, target: y)
/// report.worst.maxRelativeError    // e.g. 3e-11
/// ```
public struct GradientCheck: Sendable {
    /// The result for one parameter tensor (one layer's `W` or `b`).
    public struct Tensor: Sendable {
        /// 1-based layer number.
        public var layer: Int
        /// `true` for `b`, `false` for `W`.
        public var isBias: Bool
        /// Number of parameters checked.
        public var count: Int
        /// The largest relative error in the tensor.
        public var maxRelativeError: Double
        /// Where it is: `(row, column)` for `W`, `(index, 0)` for `b`.
        public var worstIndex: (Int, Int)
        /// The analytic and numeric gradient there.
        public var analytic: Double
        public var numeric: Double
        /// What rounding alone may put between them there, relative like the error.
        public var rounding: Double = 0

        /// `"layer 2 W"` or `"layer 2 b"`.
        public var name: String { "layer \(layer) \(isBias ? "b" : "W")" }
        /// `"layer 2 W[0][1]"` or `"layer 2 b[1]"`.
        public var worstName: String {
            isBias ? "layer \(layer) b[\(worstIndex.0)]" : "layer \(layer) W[\(worstIndex.0)][\(worstIndex.1)]"
        }
    }

    /// One entry per tensor: layer 1 W, layer 1 b, layer 2 W, …
    public var tensors: [Tensor]
    /// The step `h`.
    public var step: Double
    /// The denominator floor.
    public var floor: Double
    /// Parameters left out because moving them by ±2h moved some ReLU's `z` across 0, where
    /// the loss has a kink and a finite difference measures nothing.
    public var kinkCrossings: Int
    /// Parameters left out because rounding (above ``unresolvable``) could account for their
    /// error: the finite difference cannot see the gradient there.
    public var unresolved: Int = 0
    /// Parameters compared (all but the kink crossings and the unresolved).
    public var compared: Int = 0

    /// The error above which a parameter whose error is within twice its rounding counts as
    /// unresolved: a tenth of the usual tolerance, 1e-6 (below it, it passes in any case).
    public static let unresolvable = 1e-7

    /// The tensor with the largest error.
    public var worst: Tensor { tensors.max { Self.rank($0.maxRelativeError) < Self.rank($1.maxRelativeError) }! }

    /// An error as it ranks: NaN (an overflowed gradient) above every number.
    static func rank(_ e: Double) -> Double { e.isNaN ? .infinity : e }

    /// Checks every weight and bias of `network` on `(input, target)`.
    public static func run(network: Network<Double>, input: Matrix<Double>, target: Matrix<Double>,
                           step h: Double = 1e-3, floor: Double = 1e-5) -> GradientCheck {
        var analytic = network
        analytic.forward(input)
        _ = analytic.computeLoss(target: target)
        analytic.backward(input: input)
        return compare(gradientsOf: analytic, network: network, input: input, target: target, step: h, floor: floor)
    }

    /// Compares the gradients that `analytic`'s last `backward` left with finite differences of
    /// `network`'s loss (the same parameters).
    static func compare(gradientsOf analytic: Network<Double>, network: Network<Double>,
                        input: Matrix<Double>, target: Matrix<Double>,
                        step h: Double, floor: Double) -> GradientCheck {
        var probe = network
        /// The sign of every ReLU-type `z` of the last forward: where it changes inside the
        /// stencil, the loss has a kink there and finite differences do not measure the gradient.
        func kinkSides() -> [Bool] {
            probe.layers.filter { $0.activation == .relu || $0.activation == .leakyRelu }.flatMap { $0.z.storage.map { $0 > 0 } }
        }
        var crossings = 0
        probe.forward(input)
        let loss0 = abs(probe.computeLoss(target: target))
        var (unresolved, compared) = (0, 0)
        /// The error at `p` and its rounding, both relative to max(|a|, |n|, floor); nil (counted)
        /// when rounding could account for the error.
        func error(_ p: Double, _ a: Double, _ n: Double) -> (error: Double, rounding: Double)? {
            let scale = max(abs(a), abs(n), floor)
            let e = abs(a - n) / scale
            let r = (1.5 * Double.ulpOfOne * loss0 + 0.75 * (abs(p) + 2 * h).ulp * abs(a)) / h / scale
            if e > unresolvable && e <= 2 * r { unresolved += 1; return nil }
            compared += 1
            return (e, r)
        }
        func numeric(_ set: (inout Network<Double>, Double) -> Void, at p: Double) -> Double? {
            var sides: [[Bool]] = []
            func loss(_ value: Double) -> Double {
                set(&probe, value)
                probe.forward(input)
                sides.append(kinkSides())
                return probe.computeLoss(target: target)
            }
            let d = (-loss(p + 2 * h) + 8 * loss(p + h) - 8 * loss(p - h) + loss(p - 2 * h)) / (12 * h)
            set(&probe, p)
            if sides.contains(where: { $0 != sides[0] }) { crossings += 1; return nil }
            return d
        }

        var tensors: [Tensor] = []
        for l in network.layers.indices {
            let layer = network.layers[l]
            var w = Tensor(layer: l + 1, isBias: false, count: layer.weights.storage.count,
                           maxRelativeError: 0, worstIndex: (0, 0), analytic: 0, numeric: 0)
            for j in 0..<layer.weights.rows {
                for k in 0..<layer.weights.cols {
                    let a = analytic.layers[l].weightGradient[j, k]
                    guard let n = numeric({ net, v in net.layers[l].weights[j, k] = v }, at: layer.weights[j, k]) else { continue }
                    guard let (e, r) = error(layer.weights[j, k], a, n) else { continue }
                    if rank(e) > rank(w.maxRelativeError) { (w.maxRelativeError, w.worstIndex, w.analytic, w.numeric, w.rounding) = (e, (j, k), a, n, r) }
                }
            }
            var b = Tensor(layer: l + 1, isBias: true, count: layer.biases.count,
                           maxRelativeError: 0, worstIndex: (0, 0), analytic: 0, numeric: 0)
            for j in layer.biases.indices {
                let a = analytic.layers[l].biasGradient[j]
                guard let n = numeric({ net, v in net.layers[l].biases[j] = v }, at: layer.biases[j]) else { continue }
                guard let (e, r) = error(layer.biases[j], a, n) else { continue }
                if rank(e) > rank(b.maxRelativeError) { (b.maxRelativeError, b.worstIndex, b.analytic, b.numeric, b.rounding) = (e, (j, 0), a, n, r) }
            }
            tensors += [w, b]
        }
        return GradientCheck(tensors: tensors, step: h, floor: floor, kinkCrossings: crossings, unresolved: unresolved, compared: compared)
    }
}
