namespace Robotics.Core.Onnx.Latent;

/// <summary>
/// One MLP of a latent world model as plain arrays: <see cref="Members"/> copies (1 for single networks,
/// the Q heads otherwise), layer l maps Dims[l] to Dims[l + 1]; weights are [E, in, out] row-major, biases
/// [E, out]; every hidden layer (and the last when <see cref="SimNormHead"/>) is followed by LayerNorm with
/// <see cref="NormWeights"/> / <see cref="NormBiases"/> [E, out], then Mish (hidden) or SimNorm (head).
/// </summary>
public sealed record LatentMlpParameters(int Members, int[] Dims, bool SimNormHead, float[][] Weights, float[][] Biases,
                                         float[][] NormWeights, float[][] NormBiases)
{
    public int Layers => Dims.Length - 1;
    public int InputDim => Dims[0];
    public int OutputDim => Dims[^1];

    public LatentMlpParameters Validate(string name)
    {
        if (Members < 1 || Dims.Length < 2 || Dims.Any(d => d < 1)) throw new ArgumentException($"{name}: bad sizes");
        if (Weights.Length != Layers || Biases.Length != Layers) throw new ArgumentException($"{name}: needs {Layers} weight and bias arrays");
        int normed = SimNormHead ? Layers : Layers - 1;
        if (NormWeights.Length != normed || NormBiases.Length != normed) throw new ArgumentException($"{name}: needs {normed} LayerNorm weight and bias arrays");
        for (int l = 0; l < Layers; l++)
        {
            if (Weights[l].Length != Members * Dims[l] * Dims[l + 1]) throw new ArgumentException($"{name}: layer {l} weights must hold {Members} x {Dims[l]} x {Dims[l + 1]} values");
            if (Biases[l].Length != Members * Dims[l + 1]) throw new ArgumentException($"{name}: layer {l} biases must hold {Members} x {Dims[l + 1]} values");
            if (l < normed && (NormWeights[l].Length != Members * Dims[l + 1] || NormBiases[l].Length != Members * Dims[l + 1]))
                throw new ArgumentException($"{name}: layer {l} LayerNorm must hold {Members} x {Dims[l + 1]} values");
        }
        return this;
    }
}

/// <summary>
/// A TD-MPC2-style latent world model as plain arrays (no TorchSharp): encoder obs -> z (SimNorm), dynamics
/// [z, a] -> z' (SimNorm), reward [z, a] -> two-hot logits, policy prior z -> [mean, log-std raw],
/// Q heads [z, a] -> two-hot logits. Two-hot: <see cref="Bins"/> points on [VMin, VMax] in symlog space.
/// Actions are in [-1, 1].
/// </summary>
public sealed record LatentModelParameters
{
    public required int ObsDim { get; init; }
    public required int ActDim { get; init; }
    public required int LatentDim { get; init; }
    public required int SimNormDim { get; init; }
    public required int Bins { get; init; }
    public required float VMin { get; init; }
    public required float VMax { get; init; }
    public required float LogStdMin { get; init; }
    public required float LogStdMax { get; init; }
    /// <summary>Per-step discount of the planner's return.</summary>
    public required float Discount { get; init; }
    public required LatentMlpParameters Encoder { get; init; }
    public required LatentMlpParameters Dynamics { get; init; }
    public required LatentMlpParameters Reward { get; init; }
    public required LatentMlpParameters Policy { get; init; }
    public required LatentMlpParameters Qs { get; init; }

    public int QHeads => Qs.Members;

    public LatentModelParameters Validate()
    {
        Encoder.Validate("encoder"); Dynamics.Validate("dynamics"); Reward.Validate("reward"); Policy.Validate("pi"); Qs.Validate("q");
        int za = LatentDim + ActDim;
        void Expect(bool ok, string m) { if (!ok) throw new ArgumentException("latent model: " + m); }
        Expect(LatentDim % SimNormDim == 0, $"latent {LatentDim} is not a multiple of the SimNorm group {SimNormDim}");
        Expect(Encoder.InputDim == ObsDim && Encoder.OutputDim == LatentDim && Encoder.SimNormHead && Encoder.Members == 1, "encoder must map obs to a SimNorm latent");
        Expect(Dynamics.InputDim == za && Dynamics.OutputDim == LatentDim && Dynamics.SimNormHead && Dynamics.Members == 1, "dynamics must map [z, a] to a SimNorm latent");
        Expect(Reward.InputDim == za && Reward.OutputDim == Bins && !Reward.SimNormHead && Reward.Members == 1, "reward must map [z, a] to bins logits");
        Expect(Policy.InputDim == LatentDim && Policy.OutputDim == 2 * ActDim && !Policy.SimNormHead && Policy.Members == 1, "pi must map z to 2 x act");
        Expect(Qs.InputDim == za && Qs.OutputDim == Bins && !Qs.SimNormHead && Qs.Members >= 2, "q must be >= 2 heads mapping [z, a] to bins logits");
        Expect(Bins >= 2 && VMin < VMax && LogStdMin < LogStdMax && Discount is > 0 and <= 1, "bad two-hot, log-std or discount settings");
        return this;
    }
}

/// <summary>Random latent models for benchmarks and tests (weights N(0, 0.3 / sqrt(fan_in)), LayerNorm at 1 and 0).</summary>
public static class LatentModelRandom
{
    public static LatentModelParameters Create(int obsDim, int actDim, int latentDim, int encoderDim, int mlpDim, int qHeads, int bins, Random rng)
    {
        LatentMlpParameters Mlp(int members, int[] dims, bool simNorm)
        {
            int layers = dims.Length - 1, normed = simNorm ? layers : layers - 1;
            var w = new float[layers][]; var b = new float[layers][]; var s = new float[normed][]; var t = new float[normed][];
            for (int l = 0; l < layers; l++)
            {
                float scale = 0.3f / MathF.Sqrt(dims[l]) * 3f;
                w[l] = new float[members * dims[l] * dims[l + 1]];
                for (int i = 0; i < w[l].Length; i++) w[l][i] = (float)(rng.NextDouble() * 2 - 1) * scale;
                b[l] = new float[members * dims[l + 1]];
                if (l < normed) { s[l] = Enumerable.Repeat(1f, members * dims[l + 1]).ToArray(); t[l] = new float[members * dims[l + 1]]; }
            }
            return new LatentMlpParameters(members, dims, simNorm, w, b, s, t);
        }
        int za = latentDim + actDim;
        return new LatentModelParameters
        {
            ObsDim = obsDim, ActDim = actDim, LatentDim = latentDim, SimNormDim = 8, Bins = bins, VMin = -10, VMax = 10,
            LogStdMin = -10, LogStdMax = 2, Discount = 0.975f,
            Encoder = Mlp(1, [obsDim, encoderDim, latentDim], true),
            Dynamics = Mlp(1, [za, mlpDim, mlpDim, latentDim], true),
            Reward = Mlp(1, [za, mlpDim, mlpDim, bins], false),
            Policy = Mlp(1, [latentDim, mlpDim, mlpDim, 2 * actDim], false),
            Qs = Mlp(qHeads, [za, mlpDim, mlpDim, bins], false),
        }.Validate();
    }
}
