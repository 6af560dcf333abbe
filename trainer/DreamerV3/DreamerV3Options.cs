namespace Robotics.Trainer.DreamerV3;

/// <summary>
/// The networks' sizes (DreamerV3's model size). RSSM: deterministic GRU state <see cref="Deter"/> in
/// <see cref="Blocks"/> blocks, <see cref="Stoch"/> categorical latents of <see cref="Classes"/> classes, hidden
/// width <see cref="Hidden"/> of its input and prior/posterior layers; encoder, decoder, heads, actor and critic are
/// Linear -> RMSNorm -> SiLU stacks of <see cref="Units"/>.
/// </summary>
public sealed record DreamerModelOptions
{
    public int Deter { get; init; } = 512;
    public int Blocks { get; init; } = 8;
    public int Stoch { get; init; } = 32;
    public int Classes { get; init; } = 4;
    public int Hidden { get; init; } = 64;
    public int Units { get; init; } = 64;
    public int EncoderLayers { get; init; } = 3;
    public int DecoderLayers { get; init; } = 3;
    public int HeadLayers { get; init; } = 1;
    public int ActorLayers { get; init; } = 3;
    public int CriticLayers { get; init; } = 3;
    public int PriorLayers { get; init; } = 2;
    public int PosteriorLayers { get; init; } = 1;
    public int Bins { get; init; } = 255;
    public float Unimix { get; init; } = 0.01f;
    public float MinStd { get; init; } = 0.1f;
    public float MaxStd { get; init; } = 1f;

    /// <summary>The reference's size for proprioceptive control ("size1m"): deter 512 in 8 blocks, 32 x 4 latents, hidden and units 64.</summary>
    public static DreamerModelOptions Paper { get; } = new();

    /// <summary>
    /// Sized for 2 shared cores: deter 128 in 4 blocks, 16 x 4 latents, hidden and units 64, two-layer encoder,
    /// decoder, actor and critic (the GRU and the 15-step imagination dominate an update's cost).
    /// </summary>
    public static DreamerModelOptions Small { get; } = new()
    {
        Deter = 128, Blocks = 4, Stoch = 16, Classes = 4, EncoderLayers = 2, DecoderLayers = 2, ActorLayers = 2, CriticLayers = 2,
        PriorLayers = 1,
    };

    public int FeatDim => Deter + Stoch * Classes;

    public DreamerModelOptions Validate()
    {
        Require(Blocks >= 1 && Deter >= Blocks && Deter % Blocks == 0, $"dreamerv3: deter must be a positive multiple of blocks, got {Deter} and {Blocks}");
        Require(Stoch >= 1 && Classes >= 2, $"dreamerv3: needs >= 1 latents of >= 2 classes, got {Stoch} x {Classes}");
        Require(Hidden >= 1 && Units >= 1, $"dreamerv3: hidden and units must be >= 1, got {Hidden} and {Units}");
        foreach (var (n, v) in new[] { ("encoder", EncoderLayers), ("decoder", DecoderLayers), ("head", HeadLayers), ("actor", ActorLayers),
                                        ("critic", CriticLayers), ("prior", PriorLayers), ("posterior", PosteriorLayers) })
            Require(v is >= 1 and <= 8, $"dreamerv3: {n} layers must be in [1, 8], got {v}");
        Require(Bins is >= 3 and <= 1001, $"dreamerv3: bins must be in [3, 1001], got {Bins}");
        Require(Unimix is >= 0 and < 1, $"dreamerv3: unimix must be in [0, 1), got {Unimix}");
        Require(MinStd > 0 && MaxStd > MinStd, $"dreamerv3: action std bounds must satisfy 0 < min < max, got [{MinStd}, {MaxStd}]");
        return this;
    }

    internal static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}

/// <summary>
/// One DreamerV3 run (Hafner et al. 2023 and the reference code's defaults): the world model's losses, the
/// actor-critic in imagination, the replay and the budget.
/// </summary>
public sealed record DreamerV3Options
{
    public required string EnvId { get; init; }
    public required string OutDir { get; init; }
    /// <summary>Environment steps, the random seed steps included.</summary>
    public int Steps { get; init; } = 20_000;
    public int Seed { get; init; }
    public DreamerModelOptions Model { get; init; } = DreamerModelOptions.Small;
    /// <summary>Uniformly random actions before the first update.</summary>
    public int SeedSteps { get; init; } = 1_000;
    /// <summary>Sequences per update and their length.</summary>
    public int BatchSize { get; init; } = 16;
    public int SequenceLength { get; init; } = 64;
    /// <summary>Env steps per update (1 = one update per env step, the replay ratio).</summary>
    public int TrainEvery { get; init; } = 1;
    public int ImaginationHorizon { get; init; } = 15;
    /// <summary>Discount 1 - 1/333 (the reference's horizon 333).</summary>
    public float Discount { get; init; } = 1f - 1f / 333f;
    public float Lambda { get; init; } = 0.95f;
    public float FreeNats { get; init; } = 1f;
    public float KlDynamics { get; init; } = 1f;
    public float KlRepresentation { get; init; } = 0.1f;
    public float ActorEntropy { get; init; } = 3e-4f;
    /// <summary>Return normalisation: EMA decay of the 5th-95th percentile range.</summary>
    public float ReturnNormDecay { get; init; } = 0.99f;
    /// <summary>Slow critic: EMA fraction per update, and the weight of the regulariser towards it.</summary>
    public float SlowCriticFraction { get; init; } = 0.02f;
    public float SlowCriticRegulariser { get; init; } = 1f;
    public float ModelLearningRate { get; init; } = 1e-4f;
    public float ActorLearningRate { get; init; } = 3e-5f;
    public float CriticLearningRate { get; init; } = 3e-5f;
    public float ModelGradClip { get; init; } = 1000f;
    public float ActorCriticGradClip { get; init; } = 100f;
    /// <summary>Actor gradients: through the learned dynamics (the reference's continuous-action default) or REINFORCE.</summary>
    public bool ActorReinforce { get; init; }
    public int EvalEvery { get; init; } = 1_000;
    public int EvalEpisodes { get; init; } = 5;
    public int Threads { get; init; } = 1;

    public DreamerV3Options Validate()
    {
        static void R(bool ok, string m) => DreamerModelOptions.Require(ok, m);
        R(!string.IsNullOrWhiteSpace(EnvId), "dreamerv3: env id is empty");
        R(!string.IsNullOrWhiteSpace(OutDir), "dreamerv3: output directory is empty");
        R(Steps is >= 1 and <= 100_000_000, $"dreamerv3: steps must be in [1, 1e8], got {Steps}");
        Model.Validate();
        R(SeedSteps >= 1, $"dreamerv3: seed steps must be >= 1, got {SeedSteps}");
        R(BatchSize is >= 1 and <= 1024, $"dreamerv3: batch must be in [1, 1024], got {BatchSize}");
        R(SequenceLength is >= 2 and <= 1024, $"dreamerv3: sequence length must be in [2, 1024], got {SequenceLength}");
        R(TrainEvery is >= 1 and <= 1000, $"dreamerv3: train-every must be in [1, 1000], got {TrainEvery}");
        R(ImaginationHorizon is >= 1 and <= 100, $"dreamerv3: imagination horizon must be in [1, 100], got {ImaginationHorizon}");
        R(Discount is > 0 and < 1 && Lambda is >= 0 and <= 1, $"dreamerv3: discount must be in (0, 1) and lambda in [0, 1], got {Discount} and {Lambda}");
        R(FreeNats >= 0 && KlDynamics >= 0 && KlRepresentation >= 0 && ActorEntropy >= 0, "dreamerv3: free nats, KL scales and entropy must be >= 0");
        R(ReturnNormDecay is >= 0 and < 1 && SlowCriticFraction is > 0 and <= 1 && SlowCriticRegulariser >= 0, "dreamerv3: bad return-norm decay or slow critic settings");
        R(ModelLearningRate > 0 && ActorLearningRate > 0 && CriticLearningRate > 0, "dreamerv3: learning rates must be > 0");
        R(ModelGradClip > 0 && ActorCriticGradClip > 0, "dreamerv3: gradient clips must be > 0");
        R(EvalEvery >= 1 && EvalEpisodes is >= 1 and <= 1000, $"dreamerv3: eval every must be >= 1 and eval episodes in [1, 1000], got {EvalEvery} and {EvalEpisodes}");
        R(Threads is >= 1 and <= 64, $"dreamerv3: threads must be in [1, 64], got {Threads}");
        return this;
    }
}
