import Foundation
import RealModule

/// A feature computed from 2-D data's raw coordinates `x1`, `x2`, as TensorFlow Playground's
/// input neurons: the network sees the chosen features instead of (or besides) the coordinates.
///
/// | feature  | value        | lets a network with no hidden layer draw                 |
/// |----------|--------------|----------------------------------------------------------|
/// | `x1`     | `x1`         | a straight boundary                                       |
/// | `x2`     | `x2`         |                                                           |
/// | `x1sq`   | `x1²`        | with `x2sq`: a circle (`circles`)                         |
/// | `x2sq`   | `x2²`        |                                                           |
/// | `x1x2`   | `x1·x2`      | the quadrants of `xor`                                    |
/// | `sin_x1` | `sin(x1)`    | waves                                                     |
/// | `sin_x2` | `sin(x2)`    |                                                           |
///
/// The map runs on raw inputs, before the scaling (which is fitted on the features), and it is
/// saved in the model file, so `predict`, `evaluate` and `plot` take raw `x1, x2` as training did.
///
/// ```swift
/// let raw = Matrix<Float>([[2, 3]])
/// let x = InputFeature.map([.x1, .x2, .x1x2], raw)     // [[2, 3, 6]]
/// ```
public enum InputFeature: String, CaseIterable, Codable, Sendable {
    case x1, x2, x1sq, x2sq, x1x2
    case sinX1 = "sin_x1", sinX2 = "sin_x2"

    /// The raw inputs every feature is computed from.
    public static let rawInputs = 2

    /// The feature's value at `(x1, x2)`.
    public func value(_ x1: Double, _ x2: Double) -> Double {
        switch self {
        case .x1: x1
        case .x2: x2
        case .x1sq: x1 * x1
        case .x2sq: x2 * x2
        case .x1x2: x1 * x2
        case .sinX1: Double.sin(x1)
        case .sinX2: Double.sin(x2)
        }
    }

    /// The feature's name on a picture: `x1`, `x1²`, `sin x1`.
    public var label: String {
        switch self {
        case .x1: "x1"
        case .x2: "x2"
        case .x1sq: "x1²"
        case .x2sq: "x2²"
        case .x1x2: "x1·x2"
        case .sinX1: "sin x1"
        case .sinX2: "sin x2"
        }
    }

    /// `raw` (N, 2) → (N, features.count): each row's features, computed in Double and rounded
    /// once to `T`.
    public static func map<T: Scalar>(_ features: [InputFeature], _ raw: Matrix<T>) -> Matrix<T> {
        var out = Matrix<T>(rows: raw.rows, cols: features.count)
        guard raw.cols == rawInputs else { return out }
        for r in 0..<raw.rows {
            let (a, b) = (Double(raw[r, 0]), Double(raw[r, 1]))
            for (c, f) in features.enumerated() { out[r, c] = T(f.value(a, b)) }
        }
        return out
    }

    /// Parses `x1,x2,x1sq` (as `--features` gives them).
    public static func list(_ text: String) throws(PlanError) -> [InputFeature] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { part throws(PlanError) in
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let f = InputFeature(rawValue: name) else {
                throw PlanError(.features, "'\(name)' is not a feature; expected a comma-separated list of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return f
        }
    }
}
