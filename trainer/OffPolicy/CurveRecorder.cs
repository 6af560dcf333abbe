using Robotics.Trainer.Pets;
using Robotics.Trainer.TdMpc2;

namespace Robotics.Trainer.OffPolicy;

/// <summary>
/// DIR/curve.csv and DIR/curve.png of an off-policy run, in the PETS curve's columns
/// (<see cref="PetsCurve.Header"/>): one row per evaluation, appended and flushed as it comes.
/// </summary>
public sealed class CurveRecorder
{
    private readonly string _csv, _png, _title;
    private readonly double? _target;
    private readonly List<PetsIterationResult> _rows = [];

    public CurveRecorder(string dir, string title, string envId)
    {
        _csv = Path.Combine(dir, "curve.csv"); _png = Path.Combine(dir, "curve.png");
        _title = title; _target = TdMpc2Targets.For(envId);
        PetsCurve.Create(_csv);
    }

    public IReadOnlyList<PetsIterationResult> Rows => _rows;
    public double? LastReturn => _rows.Count > 0 ? _rows[^1].EvalReturnMean : null;

    /// <summary>Not real-time. Appends the row and redraws the PNG.</summary>
    public PetsIterationResult Add(long envSteps, double[] returns, double lastTrainReturn, double seconds, double criticLoss, string modelPath)
    {
        var (mean, std) = PolicyEvaluation.Summary(returns);
        var row = new PetsIterationResult(_rows.Count + 1, envSteps, mean, std, lastTrainReturn, seconds, criticLoss, double.NaN, double.NaN, seconds, modelPath);
        _rows.Add(row);
        PetsCurve.Append(_csv, row);
        PetsCurve.Draw(_png, _rows, _title, _target);
        return row;
    }
}
