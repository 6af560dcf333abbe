namespace Robotics.Core.Models;

/// <summary>
/// What the safety gate asks of a model: a one-step prediction of the next observation with an uncertainty
/// U(s, a), and the calibration of U on held-out data. An ensemble (disagreement) implements it today; any
/// model that predicts one step with a calibrated uncertainty can. Implemented over ONNX Runtime in
/// runtime/; faked in tests.
/// </summary>
public interface ISafetyPredictor
{
    int ObsDim { get; }
    int ActDim { get; }
    /// <summary>Most rows one <see cref="Predict"/> may ask for.</summary>
    int MaxBatch { get; }
    /// <summary>How U is calibrated (the gate's threshold is <c>P99</c> x its factor); null when uncalibrated.</summary>
    UncertaintyCalibration? Calibration { get; }
    /// <summary>One line for start-up logs: what predicts, from which file.</summary>
    string Description { get; }

    /// <summary>
    /// Real-time, allocation-free after warm-up. Predicts <c>n</c> rows: <paramref name="obs"/> [n, obs_dim],
    /// <paramref name="actions"/> [n, act_dim] -> <paramref name="nextObs"/> [n, obs_dim] and
    /// <paramref name="uncertainty"/> [n]. <c>n</c> must not exceed <see cref="MaxBatch"/>.
    /// </summary>
    void Predict(int n, ReadOnlySpan<float> obs, ReadOnlySpan<float> actions, Span<float> nextObs, Span<float> uncertainty);
}
