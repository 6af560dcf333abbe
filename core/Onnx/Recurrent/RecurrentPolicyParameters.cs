namespace Robotics.Core.Onnx.Recurrent;

/// <summary>
/// A dense layer as plain arrays: y = x W + b with W [In, Out] row-major; when <see cref="NormScale"/> is set the
/// output goes through RMSNorm (x / sqrt(mean x^2 + eps) * scale) and SiLU, as every hidden layer of DreamerV3.
/// </summary>
public sealed record DenseLayer(int In, int Out, float[] W, float[] B, float[]? NormScale)
{
    public bool Normed => NormScale is not null;

    public DenseLayer Validate(string name)
    {
        if (In < 1 || Out < 1 || W.Length != In * Out || B.Length != Out || (NormScale is { } s && s.Length != Out))
            throw new ArgumentException($"recurrent policy: layer {name} must hold W {In} x {Out}, b {Out}{(Normed ? $", norm {Out}" : "")}");
        return this;
    }
}

/// <summary>
/// A block-diagonal layer (DreamerV3's BlockLinear): <see cref="Blocks"/> independent dense maps, x [N, g, In] ->
/// [N, g, Out], W [g, In, Out], b [g * Out]; normed: RMSNorm over the flattened [N, g * Out] output, then SiLU.
/// </summary>
public sealed record BlockLayer(int Blocks, int In, int Out, float[] W, float[] B, float[]? NormScale)
{
    public bool Normed => NormScale is not null;

    public BlockLayer Validate(string name)
    {
        if (Blocks < 1 || In < 1 || Out < 1 || W.Length != Blocks * In * Out || B.Length != Blocks * Out
            || (NormScale is { } s && s.Length != Blocks * Out))
            throw new ArgumentException($"recurrent policy: block layer {name} must hold W {Blocks} x {In} x {Out}, b {Blocks * Out}");
        return this;
    }
}

/// <summary>
/// What a DreamerV3 agent needs to act, as plain arrays (no TorchSharp): the encoder (symlog observations through
/// normed dense layers), the RSSM's recurrent core (three normed input layers for deter, stoch and action, block
/// layers, a block GRU), the posterior (deter + embedding -> <see cref="Stoch"/> x <see cref="Classes"/> logits,
/// unimix <see cref="Unimix"/>) and the actor (features [deter, stoch] -> mean and std of a Gaussian, mean = tanh,
/// std in [<see cref="MinStd"/>, <see cref="MaxStd"/>]). Actions are in [-1, 1].
/// </summary>
public sealed record RecurrentPolicyParameters
{
    public required int ObsDim { get; init; }
    public required int ActDim { get; init; }
    /// <summary>Deterministic (GRU) state size, a multiple of <see cref="Blocks"/>.</summary>
    public required int Deter { get; init; }
    public required int Blocks { get; init; }
    public required int Stoch { get; init; }
    public required int Classes { get; init; }
    public required float Unimix { get; init; }
    public required float NormEps { get; init; }
    public required float MinStd { get; init; }
    public required float MaxStd { get; init; }
    public required DenseLayer[] Encoder { get; init; }
    public required DenseLayer DynInDeter { get; init; }
    public required DenseLayer DynInStoch { get; init; }
    public required DenseLayer DynInAction { get; init; }
    public required BlockLayer[] DynHidden { get; init; }
    public required BlockLayer DynGru { get; init; }
    /// <summary>[deter, embed] -> ... -> Stoch x Classes logits (the last layer plain).</summary>
    public required DenseLayer[] Posterior { get; init; }
    /// <summary>[deter, stoch] -> ... -> 2 x act (the last layer plain).</summary>
    public required DenseLayer[] Actor { get; init; }

    public int StochFlat => Stoch * Classes;
    public int FeatDim => Deter + StochFlat;
    public int Embed => Encoder[^1].Out;

    public RecurrentPolicyParameters Validate()
    {
        void Expect(bool ok, string m) { if (!ok) throw new ArgumentException("recurrent policy: " + m); }
        Expect(ObsDim >= 1 && ActDim >= 1 && Stoch >= 1 && Classes >= 2 && Blocks >= 1 && Deter % Blocks == 0, "bad sizes (deter must be a multiple of blocks)");
        Expect(Unimix is >= 0 and < 1 && NormEps > 0 && MinStd > 0 && MaxStd > MinStd, "bad unimix, norm eps or std bounds");
        Expect(Encoder.Length >= 1 && Encoder[0].In == ObsDim && Encoder.All(l => l.Normed), "encoder must be normed layers from obs");
        for (int i = 0; i < Encoder.Length; i++) { Encoder[i].Validate($"enc{i}"); Expect(i == 0 || Encoder[i].In == Encoder[i - 1].Out, "encoder layers must chain"); }
        int h = DynInDeter.Validate("dynin0").Out;
        Expect(DynInDeter.In == Deter && DynInDeter.Normed, "dynin0 maps deter");
        Expect(DynInStoch.Validate("dynin1").In == StochFlat && DynInStoch.Out == h && DynInStoch.Normed, "dynin1 maps stoch");
        Expect(DynInAction.Validate("dynin2").In == ActDim && DynInAction.Out == h && DynInAction.Normed, "dynin2 maps the action");
        int g = Blocks, per = Deter / Blocks;
        Expect(DynHidden.Length >= 1, "at least one block hidden layer");
        for (int i = 0; i < DynHidden.Length; i++)
        {
            BlockLayer b = DynHidden[i].Validate($"dynhid{i}");
            Expect(b.Blocks == g && b.Out == per && b.In == (i == 0 ? per + 3 * h : per) && b.Normed, $"dynhid{i} sizes");
        }
        Expect(DynGru.Validate("dyngru").Blocks == g && DynGru.In == per && DynGru.Out == 3 * per && !DynGru.Normed, "dyngru sizes");
        Chain(Posterior, Deter + Embed, StochFlat, "posterior");
        Chain(Actor, FeatDim, 2 * ActDim, "actor");
        return this;

        void Chain(DenseLayer[] ls, int input, int output, string name)
        {
            Expect(ls.Length >= 1 && ls[0].In == input && ls[^1].Out == output && !ls[^1].Normed, $"{name} must map {input} to {output} (plain last layer)");
            for (int i = 0; i < ls.Length; i++)
            {
                ls[i].Validate($"{name}{i}");
                Expect(i == 0 || ls[i].In == ls[i - 1].Out, $"{name} layers must chain");
                Expect(i == ls.Length - 1 || ls[i].Normed, $"{name} hidden layers are normed");
            }
        }
    }
}

/// <summary>Random recurrent policies for benchmarks and tests (weights U(-1, 1) x 1 / sqrt(fan_in), norm scales 1).</summary>
public static class RecurrentPolicyRandom
{
    public static RecurrentPolicyParameters Create(int obsDim, int actDim, int deter, int blocks, int stoch, int classes, int hidden, int units, Random rng)
    {
        float[] R(int n, int fanIn)
        {
            var a = new float[n];
            float s = 1f / MathF.Sqrt(fanIn);
            for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1) * s;
            return a;
        }
        DenseLayer D(int i, int o, bool normed) => new(i, o, R(i * o, i), R(o, i), normed ? Enumerable.Repeat(1f, o).ToArray() : null);
        BlockLayer B(int i, int o, bool normed) => new(blocks, i, o, R(blocks * i * o, i), R(blocks * o, i), normed ? Enumerable.Repeat(1f, blocks * o).ToArray() : null);
        int per = deter / blocks;
        return new RecurrentPolicyParameters
        {
            ObsDim = obsDim, ActDim = actDim, Deter = deter, Blocks = blocks, Stoch = stoch, Classes = classes,
            Unimix = 0.01f, NormEps = 1e-4f, MinStd = 0.1f, MaxStd = 1f,
            Encoder = [D(obsDim, units, true), D(units, units, true)],
            DynInDeter = D(deter, hidden, true), DynInStoch = D(stoch * classes, hidden, true), DynInAction = D(actDim, hidden, true),
            DynHidden = [B(per + 3 * hidden, per, true)], DynGru = B(per, 3 * per, false),
            Posterior = [D(deter + units, hidden, true), D(hidden, stoch * classes, false)],
            Actor = [D(deter + stoch * classes, units, true), D(units, 2 * actDim, false)],
        }.Validate();
    }
}
