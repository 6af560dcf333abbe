using Robotics.Runtime.Controllers.LatentMpc;

namespace Robotics.Trainer.TdMpc2;

/// <summary>
/// The world model's sizes (TD-MPC2's "model size"). Encoder: obs -> enc x (layers - 1) -> latent
/// (SimNorm); dynamics, reward, Q heads and policy prior: two hidden layers of <see cref="MlpDim"/>.
/// </summary>
public sealed record TdMpc2ModelOptions
{
    public int LatentDim { get; init; } = 128;
    public int EncoderDim { get; init; } = 256;
    public int EncoderLayers { get; init; } = 2;
    public int MlpDim { get; init; } = 384;
    public int QHeads { get; init; } = 5;
    /// <summary>SimNorm group size: the latent is LatentDim / SimNormDim simplices.</summary>
    public int SimNormDim { get; init; } = 8;
    public int Bins { get; init; } = 101;
    public float VMin { get; init; } = -10f;
    public float VMax { get; init; } = 10f;
    /// <summary>Dropout after the first layer of every Q head (training only).</summary>
    public float Dropout { get; init; } = 0.01f;
    public float LogStdMin { get; init; } = -10f;
    public float LogStdMax { get; init; } = 2f;

    /// <summary>The paper's size-1 model (about 1M parameters): latent 128, encoder 256, MLP 384, 5 Q heads.</summary>
    public static TdMpc2ModelOptions Size1 { get; } = new();

    /// <summary>
    /// Sized to train on 2 shared cores: latent 64, encoder 64, MLP 64, 5 Q heads. The five Q heads dominate
    /// an update's cost (measured: MLP 128 at batch 256 is ~260 ms of CPU per update here).
    /// </summary>
    public static TdMpc2ModelOptions Small { get; } = new() { LatentDim = 64, EncoderDim = 64, MlpDim = 64 };

    public TdMpc2ModelOptions Validate()
    {
        Require(SimNormDim >= 2, $"tdmpc2: simnorm group must be >= 2, got {SimNormDim}");
        Require(LatentDim >= SimNormDim && LatentDim % SimNormDim == 0, $"tdmpc2: latent dim must be a positive multiple of {SimNormDim}, got {LatentDim}");
        Require(EncoderDim >= 1 && MlpDim >= 1, $"tdmpc2: encoder and MLP widths must be >= 1, got {EncoderDim} and {MlpDim}");
        Require(EncoderLayers is >= 1 and <= 8, $"tdmpc2: encoder layers must be in [1, 8], got {EncoderLayers}");
        Require(QHeads is >= 2 and <= 32, $"tdmpc2: Q heads must be in [2, 32], got {QHeads}");
        Require(Bins is >= 2 and <= 1001, $"tdmpc2: bins must be in [2, 1001], got {Bins}");
        Require(VMin < VMax, $"tdmpc2: vmin must be below vmax, got [{VMin}, {VMax}]");
        Require(Dropout is >= 0 and < 1, $"tdmpc2: dropout must be in [0, 1), got {Dropout}");
        Require(LogStdMin < LogStdMax, $"tdmpc2: log-std bounds must satisfy min < max, got [{LogStdMin}, {LogStdMax}]");
        return this;
    }

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}

/// <summary>
/// One TD-MPC2 run: the reference's learning settings (Hansen et al. 2024, their config.yaml) as
/// defaults; <see cref="Planner"/> is the MPPI budget used while collecting and evaluating.
/// </summary>
public sealed record TdMpc2Options
{
    public required string EnvId { get; init; }
    public required string OutDir { get; init; }
    /// <summary>Environment steps, the seed steps included.</summary>
    public int Steps { get; init; } = 10_000;
    public int Seed { get; init; }
    /// <summary>Evaluate every this many env steps (and at the end).</summary>
    public int EvalEvery { get; init; } = 1000;
    public int EvalEpisodes { get; init; } = 5;

    public TdMpc2ModelOptions Model { get; init; } = TdMpc2ModelOptions.Small;
    public LatentMppiOptions Planner { get; init; } = new();

    public int BatchSize { get; init; } = 256;
    public float LearningRate { get; init; } = 3e-4f;
    /// <summary>The encoder learns at this fraction of the learning rate.</summary>
    public float EncoderLrScale { get; init; } = 0.3f;
    public float GradClipNorm { get; init; } = 20f;
    /// <summary>Polyak rate of the target Q heads and of the running Q scale.</summary>
    public float Tau { get; init; } = 0.01f;
    /// <summary>Weight of step t of the horizon is rho^t.</summary>
    public float Rho { get; init; } = 0.5f;
    public float ConsistencyCoef { get; init; } = 20f;
    public float RewardCoef { get; init; } = 0.1f;
    public float ValueCoef { get; init; } = 0.1f;
    public float EntropyCoef { get; init; } = 1e-4f;
    /// <summary>discount = clamp((L/denom - 1) / (L/denom), min, max) for episode length L.</summary>
    public float DiscountDenom { get; init; } = 5f;
    public float DiscountMin { get; init; } = 0.95f;
    public float DiscountMax { get; init; } = 0.995f;
    /// <summary>Random-action steps before planning; null = max(1000, 5 x episode length) as the reference.</summary>
    public int? SeedSteps { get; init; }
    /// <summary>Evaluate with the runtime's ONNX planner over the model just exported (the deployment path); false: the TorchSharp planner.</summary>
    public bool EvalThroughRuntime { get; init; } = true;
    /// <summary>Torch intra-op threads.</summary>
    public int Threads { get; init; } = 1;

    public int Horizon => Planner.Horizon;

    public static float DiscountFor(int episodeLength, float denom, float min, float max)
    {
        float frac = episodeLength / denom;
        return Math.Clamp((frac - 1) / frac, min, max);
    }

    public float Discount(int episodeLength) => DiscountFor(episodeLength, DiscountDenom, DiscountMin, DiscountMax);

    public int SeedStepsFor(int episodeLength) => SeedSteps ?? Math.Max(1000, 5 * episodeLength);

    public TdMpc2Options Validate()
    {
        Require(!string.IsNullOrWhiteSpace(EnvId), "tdmpc2: env id is empty");
        Require(!string.IsNullOrWhiteSpace(OutDir), "tdmpc2: output directory is empty");
        Require(Steps is >= 1 and <= 100_000_000, $"tdmpc2: steps must be in [1, 1e8], got {Steps}");
        Require(EvalEvery >= 1, $"tdmpc2: eval interval must be >= 1 step, got {EvalEvery}");
        Require(EvalEpisodes is >= 1 and <= 1000, $"tdmpc2: eval episodes must be in [1, 1000], got {EvalEpisodes}");
        Require(BatchSize is >= 1 and <= 1 << 16, $"tdmpc2: batch size must be in [1, 65536], got {BatchSize}");
        Require(LearningRate > 0 && float.IsFinite(LearningRate), $"tdmpc2: learning rate must be > 0, got {LearningRate}");
        Require(EncoderLrScale > 0 && float.IsFinite(EncoderLrScale), $"tdmpc2: encoder lr scale must be > 0, got {EncoderLrScale}");
        Require(GradClipNorm > 0, $"tdmpc2: gradient clip norm must be > 0, got {GradClipNorm}");
        Require(Tau is > 0 and <= 1, $"tdmpc2: tau must be in (0, 1], got {Tau}");
        Require(Rho is > 0 and <= 1, $"tdmpc2: rho must be in (0, 1], got {Rho}");
        Require(ConsistencyCoef >= 0 && RewardCoef >= 0 && ValueCoef >= 0 && EntropyCoef >= 0, "tdmpc2: loss coefficients must be >= 0");
        Require(DiscountDenom > 0 && DiscountMin is > 0 and < 1 && DiscountMax is > 0 and < 1 && DiscountMin <= DiscountMax,
                $"tdmpc2: discount settings must satisfy denom > 0 and 0 < min <= max < 1, got {DiscountDenom}, [{DiscountMin}, {DiscountMax}]");
        Require(SeedSteps is null or >= 1, $"tdmpc2: seed steps must be >= 1, got {SeedSteps}");
        Require(Threads is >= 1 and <= 64, $"tdmpc2: threads must be in [1, 64], got {Threads}");
        Model.Validate();
        Planner.Validate();
        Require(Planner.Horizon <= 16, $"tdmpc2: horizon must be <= 16 for training, got {Planner.Horizon}");
        return this;
    }

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}
