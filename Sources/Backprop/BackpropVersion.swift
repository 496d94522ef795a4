/// Backprop's version, in one place: `backprop --version` prints it.
public enum BackpropVersion {
    /// Semantic version of the package.
    public static let string = "0.14.0"
}
