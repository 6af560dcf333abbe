using Robotics.Core.Robots;
using Robotics.Core.Spaces;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning.Costs;

namespace Robotics.Runtime.Planning;

/// <summary>
/// What CEM, MPPI and iCEM share: action bounds, the rollout scorer, the current plan with its warm start
/// (shift by one step, repeat the centre at the end), and the candidate first actions for the safety gate.
/// Derived classes implement one optimisation loop in <see cref="Optimize"/>.
/// </summary>
public abstract class MpcPlanner : IPlanner
{
    private readonly float[] _candidates;
    private int _candidateCount;
    private bool _warm;

    protected MpcPlanner(IBatchedWorldModel model, BoxSpace actionSpace, IReadOnlyList<ICostTerm> costs,
                         PlannerOptions options, Random rng)
    {
        if (actionSpace.Dimension != model.ActDim)
            throw new ArgumentException($"planner: action space has {actionSpace.Dimension} dimensions, model has {model.ActDim}");
        ActDim = model.ActDim;
        Horizon = options.Horizon;
        Rng = rng;
        Gaussian = new GaussianSampler(rng);
        Scorer = new RolloutScorer(model, costs, options.Horizon, options.MaxBatch, options.Particles, rng);
        Low = new float[ActDim]; High = new float[ActDim]; Center = new float[ActDim]; HalfRange = new float[ActDim];
        for (int j = 0; j < ActDim; j++)
        {
            // Unbounded actions plan around 0 with unit half-range.
            bool finite = float.IsFinite(actionSpace.Low[j]) && float.IsFinite(actionSpace.High[j]);
            Low[j] = actionSpace.Low[j]; High[j] = actionSpace.High[j];
            Center[j] = finite ? 0.5f * (Low[j] + High[j]) : 0f;
            HalfRange[j] = finite ? 0.5f * (High[j] - Low[j]) : 1f;
        }
        PlanBuffer = new float[Horizon * ActDim];
        InitialStd = options.InitialStd;
        _candidates = new float[options.Candidates * ActDim];
        CenterPlan();
    }

    public int ActDim { get; }
    public int Horizon { get; }
    public float BestCost { get; protected set; }
    public ReadOnlySpan<float> Plan => PlanBuffer;
    public ReadOnlySpan<float> Candidates => _candidates.AsSpan(0, _candidateCount * ActDim);

    protected Random Rng { get; }
    protected GaussianSampler Gaussian { get; }
    protected RolloutScorer Scorer { get; }
    protected float[] Low { get; }
    protected float[] High { get; }
    protected float[] Center { get; }
    protected float[] HalfRange { get; }
    protected float InitialStd { get; }
    /// <summary>The plan [H, act_dim]: the mean for CEM/MPPI, the executed sequence for iCEM.</summary>
    protected float[] PlanBuffer { get; }
    protected int CandidateCapacity => _candidates.Length / Math.Max(ActDim, 1);

    /// <summary>Not real-time. Scores candidates with one fused rollout call per iteration from now on.</summary>
    public void UseFusedRollout(IRolloutModel rollout) => Scorer.UseFusedRollout(rollout);

    public virtual void Reset()
    {
        CenterPlan();
        _warm = false;
        _candidateCount = 0;
        Scorer.LastSent.Clear();
        Center.AsSpan().CopyTo(Scorer.LastSent);
    }

    /// <summary>Hot path, allocation-free. Warm-starts, optimises, returns the plan's first action.</summary>
    public void Act(ReadOnlySpan<float> obs, Span<float> action)
    {
        if (_warm) ShiftWarmStart();
        _warm = true;
        Optimize(obs);
        FirstAction(action);
    }

    /// <summary>
    /// Hot path, allocation-free. The gate's verdict on the last <see cref="Act"/>: <paramref name="sent"/> becomes
    /// the action-rate cost's "last sent". When the gate replaced the plan's action (veto, fallback, e-stop)
    /// the plan is dropped and the next warm start holds the sent action; a clamp keeps the plan.
    /// </summary>
    public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision)
    {
        sent.CopyTo(Scorer.LastSent);
        if (decision is SafetyDecision.Ok or SafetyDecision.Clamped) return;
        HoldPlan(sent);
    }

    /// <summary>Owns no native resources (the model belongs to the caller).</summary>
    public void Dispose() { }

    /// <summary>Hot path. Replaces the plan with <paramref name="action"/> at every step.</summary>
    protected virtual void HoldPlan(ReadOnlySpan<float> action)
    {
        for (int t = 0; t < Horizon; t++) action.CopyTo(PlanBuffer.AsSpan(t * ActDim, ActDim));
    }

    /// <summary>Not real-time. Installs a plan to warm-start the next <see cref="Act"/> from (tests, hand-over).</summary>
    internal void LoadPlan(ReadOnlySpan<float> plan)
    {
        plan.CopyTo(PlanBuffer);
        _warm = true;
    }

    /// <summary>Hot path. One full optimisation from <paramref name="obs"/>; leaves the result in the plan.</summary>
    protected abstract void Optimize(ReadOnlySpan<float> obs);

    /// <summary>Hot path. Writes the action to send; the plan's first step unless overridden.</summary>
    protected virtual void FirstAction(Span<float> action) => PlanBuffer.AsSpan(0, ActDim).CopyTo(action);

    /// <summary>Hot path. Shifts the plan one step earlier and repeats the centre at the end.</summary>
    protected virtual void ShiftWarmStart() => ShiftSequence(PlanBuffer);

    protected void ShiftSequence(Span<float> seq)
    {
        int a = ActDim;
        seq[a..].CopyTo(seq);
        Center.AsSpan().CopyTo(seq[^a..]);
    }

    /// <summary>Hot path. Offers the first actions of the best sequences (in the buffer's cost order) to the gate.</summary>
    protected void SetCandidates(SequenceBuffer buffer, int count)
    {
        int k = Math.Min(CandidateCapacity, count);
        for (int i = 0; i < k; i++)
            buffer.Sequence(buffer.Order[i])[..ActDim].CopyTo(_candidates.AsSpan(i * ActDim, ActDim));
        _candidateCount = k;
    }

    /// <summary>Hot path. x clamped into the action box.</summary>
    protected float Clip(float x, int dim) => Math.Clamp(x, Low[dim], High[dim]);

    private void CenterPlan()
    {
        for (int t = 0; t < Horizon; t++) Center.AsSpan().CopyTo(PlanBuffer.AsSpan(t * ActDim, ActDim));
    }
}
