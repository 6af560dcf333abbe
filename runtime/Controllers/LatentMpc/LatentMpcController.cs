using Robotics.Core.Spaces;
using Robotics.Runtime.Planning;
using Robotics.Core.Robots;

namespace Robotics.Runtime.Controllers.LatentMpc;

/// <summary>
/// Kind <c>latent-mpc</c> on the loop: the latent MPPI planner without exploration noise, its [-1, 1]
/// actions mapped onto the robot's action box; the best elites' first actions are the gate's candidates.
/// Fresh noise per plan from a seeded generator.
/// </summary>
public sealed class LatentMpcController : IController
{
    private readonly LatentOnnxModel _model;
    private readonly LatentMppiNoise _noise;
    private readonly GaussianSampler _gaussian;
    private readonly float[] _center, _half, _unit, _candidates;
    private readonly int _candidateCount;
    private bool _first = true;

    public LatentMpcController(LatentOnnxModel model, LatentMppiOptions options, BoxSpace actionSpace, int seed, int candidates = 5)
    {
        if (actionSpace.Dimension != model.ActDim)
            throw new ArgumentException($"latent mpc: action space has {actionSpace.Dimension} dimensions, model has {model.ActDim}");
        _model = model;
        Planner = new LatentMppiPlanner(model, options);
        _noise = new LatentMppiNoise(options, model.ActDim, model.QHeads);
        _gaussian = new GaussianSampler(new Random(seed));
        int a = model.ActDim;
        _center = new float[a]; _half = new float[a]; _unit = new float[a];
        for (int j = 0; j < a; j++)
        {
            bool finite = float.IsFinite(actionSpace.Low[j]) && float.IsFinite(actionSpace.High[j]);
            _center[j] = finite ? 0.5f * (actionSpace.Low[j] + actionSpace.High[j]) : 0f;
            _half[j] = finite ? 0.5f * (actionSpace.High[j] - actionSpace.Low[j]) : 1f;
        }
        _candidateCount = Math.Min(candidates, options.Elites);
        _candidates = new float[_candidateCount * a];
    }

    public LatentMppiPlanner Planner { get; }
    public int ActDim => _model.ActDim;
    public ReadOnlySpan<float> Candidates => _candidates;

    public void Reset() => _first = true;

    /// <summary>Hot path, allocation-free.</summary>
    public void Act(ReadOnlySpan<float> obs, Span<float> action)
    {
        _noise.Fill(_gaussian);
        Planner.Act(obs, _first, explore: false, _noise, _unit);
        _first = false;
        ToRobot(_unit, action);
        int ha = Planner.Options.Horizon * ActDim;
        for (int e = 0; e < _candidateCount; e++)
            ToRobot(Planner.EliteActions.Slice(e * ha, ActDim), _candidates.AsSpan(e * ActDim, ActDim));
    }

    /// <summary>Hot path, allocation-free. The warm start is the planner's own mean, as in the reference.</summary>
    public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) { }

    private void ToRobot(ReadOnlySpan<float> unit, Span<float> dst)
    {
        for (int j = 0; j < unit.Length; j++) dst[j] = _center[j] + _half[j] * unit[j];
    }

    public void Dispose() => _model.Dispose();
}
