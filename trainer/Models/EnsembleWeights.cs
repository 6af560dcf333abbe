namespace Robotics.Trainer.Models;

/// <summary>
/// A plain-array copy of a trained ensemble's elite members, everything an exporter needs without torch.
/// Layer l has weights [K, in_l, out_l] and biases [K, out_l] (row-major); the last layer holds only the
/// mean head (the log-variance head is not exported).
/// </summary>
public sealed record EnsembleWeights(
    int ObsDim,
    int ActDim,
    int Elites,
    IReadOnlyList<float[]> LayerWeights,
    IReadOnlyList<float[]> LayerBiases,
    IReadOnlyList<(int In, int Out)> LayerShapes,
    Standardizer InputNormalizer,
    Standardizer OutputNormalizer);
