namespace Robotics.Core.Models;

/// <summary>
/// The part of a learned ensemble dynamics model the safety gate needs: a one-step prediction with the
/// ensemble's disagreement. Implemented over ONNX Runtime in runtime/; faked in tests.
/// </summary>
public interface IEnsembleModel
{
    int ObsDim { get; }
    int ActDim { get; }
    /// <summary>Number of elite members whose predictions are averaged.</summary>
    int Members { get; }
    /// <summary>The card the model was loaded with.</summary>
    ModelCard Card { get; }

    /// <summary>
    /// Real-time, allocation-free after warm-up. Predicts for <c>n</c> rows: <paramref name="obs"/> is
    /// [n, obs_dim], <paramref name="actions"/> [n, act_dim]; writes <paramref name="nextObsMean"/> [n, obs_dim],
    /// <paramref name="reward"/> [n] and <paramref name="disagreement"/> [n]. <c>n</c> must not exceed
    /// the capacity the model was prepared for.
    /// </summary>
    void Predict(int n, ReadOnlySpan<float> obs, ReadOnlySpan<float> actions,
                 Span<float> nextObsMean, Span<float> reward, Span<float> disagreement);
}
