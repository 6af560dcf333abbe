namespace Robotics.Runtime.Controllers.LatentMpc;

/// <summary>
/// TD-MPC2's MPPI in the learned latent space (Hansen et al. 2024), shared by the trainer's TorchSharp
/// planner and the runtime's ONNX planner so both read the same budget. Defaults are the reference's:
/// 6 iterations of 512 samples (24 of them rolled out by the policy prior), 64 elites, temperature 0.5,
/// std clamped to [0.05, 2] in the model's [-1, 1] action units, horizon 3.
/// </summary>
public sealed record LatentMppiOptions
{
    public int Horizon { get; init; } = 3;
    public int Iterations { get; init; } = 6;
    /// <summary>All samples per iteration, the policy-prior trajectories included.</summary>
    public int Samples { get; init; } = 512;
    /// <summary>Trajectories taken from the policy prior instead of the Gaussian.</summary>
    public int PolicySamples { get; init; } = 24;
    public int Elites { get; init; } = 64;
    /// <summary>Multiplies (value - max elite value) inside the softmax weights.</summary>
    public float Temperature { get; init; } = 0.5f;
    public float MinStd { get; init; } = 0.05f;
    public float MaxStd { get; init; } = 2f;

    /// <summary>A budget that fits 2 shared cores in the training loop: 3 x 256 samples (16 from the prior), 32 elites.</summary>
    public static LatentMppiOptions Small { get; } = new() { Iterations = 3, Samples = 256, PolicySamples = 16, Elites = 32 };

    /// <summary>The runtime's 20 Hz budget on 2 cores (benchmark config tdmpc2-rt).</summary>
    public static LatentMppiOptions RealTime { get; } = new() { Iterations = 3, Samples = 256, PolicySamples = 16, Elites = 32 };

    /// <summary>Gaussian samples per iteration.</summary>
    public int GaussianSamples => Samples - PolicySamples;

    public LatentMppiOptions Validate()
    {
        Require(Horizon is >= 1 and <= 64, $"latent mppi: horizon must be in [1, 64], got {Horizon}");
        Require(Iterations is >= 1 and <= 100, $"latent mppi: iterations must be in [1, 100], got {Iterations}");
        Require(Samples is >= 2 and <= 1 << 16, $"latent mppi: samples must be in [2, 65536], got {Samples}");
        Require(PolicySamples >= 0 && PolicySamples < Samples, $"latent mppi: policy samples must be in [0, samples={Samples}), got {PolicySamples}");
        Require(Elites >= 1 && Elites <= Samples, $"latent mppi: elites must be in [1, samples={Samples}], got {Elites}");
        Require(Temperature > 0 && float.IsFinite(Temperature), $"latent mppi: temperature must be > 0, got {Temperature}");
        Require(MinStd > 0 && MinStd <= MaxStd && float.IsFinite(MaxStd), $"latent mppi: std bounds must satisfy 0 < min <= max, got [{MinStd}, {MaxStd}]");
        return this;
    }

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}
