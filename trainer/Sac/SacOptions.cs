namespace Robotics.Trainer.Sac;

/// <summary>
/// Soft actor-critic's learning settings (Haarnoja et al. 2018, the automatic-temperature version; defaults as
/// in the paper and CleanRL): twin Q with Polyak-averaged targets, a tanh-Gaussian actor, 2 x 256 ReLU
/// networks, Adam 3e-4, batch 256, target entropy -|A|.
/// </summary>
public sealed record SacOptions
{
    /// <summary>Hidden width of the actor and both critics.</summary>
    public int Hidden { get; init; } = 256;
    public int HiddenLayers { get; init; } = 2;
    public float ActorLearningRate { get; init; } = 3e-4f;
    public float CriticLearningRate { get; init; } = 3e-4f;
    public float AlphaLearningRate { get; init; } = 3e-4f;
    public int BatchSize { get; init; } = 256;
    public float Discount { get; init; } = 0.99f;
    /// <summary>Polyak rate of the target critics.</summary>
    public float Tau { get; init; } = 5e-3f;
    /// <summary>Entropy target; null = -|A|.</summary>
    public float? TargetEntropy { get; init; }
    public float InitialAlpha { get; init; } = 1f;
    public float LogStdMin { get; init; } = -5f;
    public float LogStdMax { get; init; } = 2f;

    public float TargetEntropyFor(int actDim) => TargetEntropy ?? -actDim;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public SacOptions Validate()
    {
        Require(Hidden is >= 1 and <= 4096, $"sac: hidden width must be in [1, 4096], got {Hidden}");
        Require(HiddenLayers is >= 1 and <= 8, $"sac: hidden layers must be in [1, 8], got {HiddenLayers}");
        Require(ActorLearningRate > 0 && CriticLearningRate > 0 && AlphaLearningRate > 0
                && float.IsFinite(ActorLearningRate + CriticLearningRate + AlphaLearningRate), "sac: learning rates must be finite and > 0");
        Require(BatchSize is >= 1 and <= 1 << 16, $"sac: batch size must be in [1, 65536], got {BatchSize}");
        Require(Discount is > 0 and < 1, $"sac: discount must be in (0, 1), got {Discount}");
        Require(Tau is > 0 and <= 1, $"sac: tau must be in (0, 1], got {Tau}");
        Require(TargetEntropy is null || float.IsFinite(TargetEntropy.Value), "sac: target entropy must be finite");
        Require(InitialAlpha > 0 && float.IsFinite(InitialAlpha), $"sac: initial alpha must be > 0, got {InitialAlpha}");
        Require(LogStdMin < LogStdMax, $"sac: log-std bounds must satisfy min < max, got [{LogStdMin}, {LogStdMax}]");
        return this;
    }

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}
