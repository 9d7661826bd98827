/// How a model's layers behave: PyTorch's `model.eval()` and `model.train()`, as a value.
///
/// Only dropout and batch normalization depend on it:
/// - in ``inference``, dropout passes its input through and batch normalization uses its
///   running statistics, which stay as they are;
/// - in ``training(seed:step:)``, dropout zeroes elements at random (scaling the others) and
///   batch normalization uses the batch's statistics and updates its running ones.
///
/// A generated model's plain calls (`model(x)`, `forward(x:)`, `evaluate`) run in inference
/// mode; its training step (`fit`, ``Module/gradient(at:mode:into:outputGradient:)``) in the
/// mode it is given. Functions whose layers depend on the mode also take a `mode:`, so either
/// behaviour can be called, for example Monte-Carlo dropout at inference.
public enum ForwardMode: Sendable, Hashable {
    /// Dropout off; batch normalization with its running statistics.
    case inference
    /// Dropout on, its masks drawn from `seed` and `step` alone (see ``DropoutMaskStream``),
    /// so the same seed and step give the same masks on every machine; batch normalization
    /// with the batch's statistics, updating its running ones.
    case training(seed: UInt64 = 0, step: Int = 0)
}
