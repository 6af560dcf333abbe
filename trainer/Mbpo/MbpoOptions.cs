using Robotics.Trainer.Algorithms;
using Robotics.Trainer.OffPolicy;

namespace Robotics.Trainer.Mbpo;

/// <summary>
/// Rollout length k as a function of env steps, MBPO's [e0, e1, k0, k1]: k0 until step e0, then rising
/// linearly to k1 at step e1, k1 after (floored to whole steps).
/// </summary>
public sealed record RolloutSchedule(int StartStep, int EndStep, int MinLength, int MaxLength)
{
    public int LengthAt(long envStep)
    {
        if (envStep <= StartStep || EndStep <= StartStep) return envStep <= StartStep ? MinLength : MaxLength;
        double f = Math.Min(1.0, (envStep - StartStep) / (double)(EndStep - StartStep));
        return (int)Math.Floor(MinLength + f * (MaxLength - MinLength));
    }

    public RolloutSchedule Validate()
    {
        if (StartStep < 0 || EndStep < StartStep) throw new ArgumentException($"mbpo: rollout schedule needs 0 <= e0 <= e1, got [{StartStep}, {EndStep}]");
        if (MinLength < 1 || MaxLength < MinLength || MaxLength > 100) throw new ArgumentException($"mbpo: rollout lengths need 1 <= k0 <= k1 <= 100, got [{MinLength}, {MaxLength}]");
        return this;
    }
}

/// <summary>
/// One MBPO run (Janner et al. 2019): the off-policy run's settings (20 SAC updates per env step by default)
/// plus the ensemble (PETS' probabilistic ensemble, retrained every <see cref="ModelTrainEvery"/> env steps
/// with holdout early stopping), branched rollouts and the real/model mixing ratio.
/// </summary>
public sealed record MbpoOptions
{
    public required OffPolicyRunOptions Run { get; init; }
    /// <summary>The dynamics ensemble; 7 members, 5 elites, 4 x 200 SiLU by default (the MBPO and PETS paper's).</summary>
    public EnsembleOptions Ensemble { get; init; } = new();
    /// <summary>Retrain the ensemble on all real data every this many env steps.</summary>
    public int ModelTrainEvery { get; init; } = 250;
    /// <summary>Branch new rollouts every this many env steps, <see cref="RolloutsPerStep"/> x this many at once.</summary>
    public int RolloutEvery { get; init; } = 50;
    /// <summary>Model rollouts started per env step (MBPO's 100,000 every 250 steps = 400).</summary>
    public int RolloutsPerStep { get; init; } = 400;
    public RolloutSchedule Schedule { get; init; } = new(500, 2500, 1, 5);
    /// <summary>The model buffer keeps the rollouts of about this many env steps (its capacity = per step x k1 x this).</summary>
    public int RetainSteps { get; init; } = 1000;
    /// <summary>Share of real transitions in each SAC minibatch; the rest come from the model buffer.</summary>
    public double RealRatio { get; init; } = 0.05;
    /// <summary>
    /// Stop a branch where the elites' disagreement exceeds this factor x the ensemble's calibrated p99 (the
    /// transition is not kept); null: branches run their full length.
    /// </summary>
    public double? StopDisagreementFactor { get; init; }

    public MbpoOptions Validate()
    {
        Run.Validate("mbpo");
        Ensemble.Validate();
        Schedule.Validate();
        Require(ModelTrainEvery >= 1, $"mbpo: model train interval must be >= 1 step, got {ModelTrainEvery}");
        Require(RolloutEvery >= 1, $"mbpo: rollout interval must be >= 1 step, got {RolloutEvery}");
        Require(RolloutsPerStep is >= 1 and <= 100_000, $"mbpo: rollouts per step must be in [1, 100000], got {RolloutsPerStep}");
        Require(RetainSteps >= 1, $"mbpo: retained steps must be >= 1, got {RetainSteps}");
        Require((long)RolloutsPerStep * Schedule.MaxLength * RetainSteps <= 50_000_000, "mbpo: model buffer (rollouts per step x k1 x retained steps) must hold at most 50M rows");
        Require(RealRatio is >= 0 and <= 1, $"mbpo: real ratio must be in [0, 1], got {RealRatio}");
        Require(StopDisagreementFactor is null or > 0, $"mbpo: stop-disagreement factor must be > 0, got {StopDisagreementFactor}");
        return this;
    }

    public int ModelBufferCapacity => RolloutsPerStep * Schedule.MaxLength * RetainSteps;

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}
