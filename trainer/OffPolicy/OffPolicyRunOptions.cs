using Robotics.Trainer.Sac;

namespace Robotics.Trainer.OffPolicy;

/// <summary>
/// What every off-policy run (SAC alone, MBPO) is told: the robot, the budget, evaluation, the random seed
/// steps before the first update, updates per env step, and SAC's own settings.
/// </summary>
public sealed record OffPolicyRunOptions
{
    public required string EnvId { get; init; }
    public required string OutDir { get; init; }
    /// <summary>Environment steps, the seed steps included.</summary>
    public int Steps { get; init; } = 5_000;
    public int Seed { get; init; }
    /// <summary>Evaluate every this many env steps (and at the end).</summary>
    public int EvalEvery { get; init; } = 250;
    public int EvalEpisodes { get; init; } = 5;
    /// <summary>Uniformly random actions before the first update.</summary>
    public int SeedSteps { get; init; } = 1_000;
    /// <summary>SAC updates per env step after the seed steps.</summary>
    public int UpdatesPerStep { get; init; } = 1;
    /// <summary>Torch intra-op threads.</summary>
    public int Threads { get; init; } = 1;
    public SacOptions Sac { get; init; } = new();

    public OffPolicyRunOptions Validate(string algo)
    {
        Require(!string.IsNullOrWhiteSpace(EnvId), $"{algo}: env id is empty");
        Require(!string.IsNullOrWhiteSpace(OutDir), $"{algo}: output directory is empty");
        Require(Steps is >= 1 and <= 100_000_000, $"{algo}: steps must be in [1, 1e8], got {Steps}");
        Require(EvalEvery >= 1, $"{algo}: eval interval must be >= 1 step, got {EvalEvery}");
        Require(EvalEpisodes is >= 1 and <= 1000, $"{algo}: eval episodes must be in [1, 1000], got {EvalEpisodes}");
        Require(SeedSteps >= 1, $"{algo}: seed steps must be >= 1, got {SeedSteps}");
        Require(UpdatesPerStep is >= 1 and <= 1000, $"{algo}: updates per step must be in [1, 1000], got {UpdatesPerStep}");
        Require(Threads is >= 1 and <= 64, $"{algo}: threads must be in [1, 64], got {Threads}");
        Sac.Validate();
        return this;
    }

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}
