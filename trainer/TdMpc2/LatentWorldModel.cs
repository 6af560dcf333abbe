using TorchSharp;
using static TorchSharp.torch;

namespace Robotics.Trainer.TdMpc2;

/// <summary>A policy-prior sample: the squashed action, the squashed mean and the scaled entropy (for the policy loss).</summary>
internal readonly record struct PolicySample(Tensor Action, Tensor Mean, Tensor ScaledEntropy);

/// <summary>
/// TD-MPC2's implicit world model as five named primitives the planner and the losses compose:
/// <see cref="Encode"/> obs -> z, <see cref="Next"/> (z, a) -> z', <see cref="RewardLogits"/> (z, a) ->
/// two-hot logits, <see cref="QLogits"/> (z, a) -> logits of every Q head (online, detached or target
/// weights), <see cref="Pi"/> z -> tanh-Gaussian action given its standard normal noise. Latents are
/// SimNorm'd; actions live in [-1, 1].
/// </summary>
internal sealed class LatentWorldModel : nn.Module
{
    public LatentWorldModel(int obsDim, int actDim, TdMpc2ModelOptions o, Generator generator) : base(nameof(LatentWorldModel))
    {
        o.Validate();
        Options = o; ObsDim = obsDim; ActDim = actDim;
        TwoHot = new TwoHot(o.Bins, o.VMin, o.VMax);
        int l = o.LatentDim, h = o.MlpDim;
        int[] encDims = [obsDim, .. Enumerable.Repeat(o.EncoderDim, Math.Max(o.EncoderLayers - 1, 1)), l];
        Encoder = new NormedMlp("encoder", 1, encDims, MlpHead.SimNorm, o.SimNormDim, 0, generator);
        Dynamics = new NormedMlp("dynamics", 1, [l + actDim, h, h, l], MlpHead.SimNorm, o.SimNormDim, 0, generator);
        Reward = new NormedMlp("reward", 1, [l + actDim, h, h, o.Bins], MlpHead.Linear, o.SimNormDim, 0, generator);
        Policy = new NormedMlp("pi", 1, [l, h, h, 2 * actDim], MlpHead.Linear, o.SimNormDim, 0, generator);
        Qs = new NormedMlp("qs", o.QHeads, [l + actDim, h, h, o.Bins], MlpHead.Linear, o.SimNormDim, o.Dropout, generator);
        TargetQs = new NormedMlp("target_qs", o.QHeads, [l + actDim, h, h, o.Bins], MlpHead.Linear, o.SimNormDim, o.Dropout, generator);
        Reward.ZeroLastLayer();
        Qs.ZeroLastLayer();
        TargetQs.CopyFrom(Qs);
        foreach (var p in TargetQs.parameters()) p.requires_grad = false;
        register_module("encoder", Encoder);
        register_module("dynamics", Dynamics);
        register_module("reward", Reward);
        register_module("pi", Policy);
        register_module("qs", Qs);
        register_module("target_qs", TargetQs);
    }

    public TdMpc2ModelOptions Options { get; }
    public int ObsDim { get; }
    public int ActDim { get; }
    public TwoHot TwoHot { get; }
    public NormedMlp Encoder { get; }
    public NormedMlp Dynamics { get; }
    public NormedMlp Reward { get; }
    public NormedMlp Policy { get; }
    public NormedMlp Qs { get; }
    public NormedMlp TargetQs { get; }

    /// <summary>obs [..., obs] -> z [..., latent].</summary>
    public Tensor Encode(Tensor obs) => Flat(Encoder, obs, Options.LatentDim);

    /// <summary>(z, a) -> next z.</summary>
    public Tensor Next(Tensor z, Tensor a) => Flat(Dynamics, cat([z, a], -1), Options.LatentDim);

    /// <summary>(z, a) -> reward logits [..., bins].</summary>
    public Tensor RewardLogits(Tensor z, Tensor a) => Flat(Reward, cat([z, a], -1), Options.Bins);

    /// <summary>Scalar reward [...].</summary>
    public Tensor RewardValue(Tensor z, Tensor a) => TwoHot.Decode(RewardLogits(z, a));

    /// <summary>(z, a) -> logits of every head [Q, ..., bins].</summary>
    public Tensor QLogits(Tensor z, Tensor a, QWeights which = QWeights.Online)
    {
        Tensor x = cat([z, a], -1);
        long[] lead = x.shape[..^1];
        Tensor rows = x.reshape(-1, x.shape[^1]);
        Tensor y = which switch
        {
            QWeights.Target => TargetQs.Forward(rows, detach: true),
            QWeights.Detached => Qs.Forward(rows, detach: true),
            _ => Qs.Forward(rows, detach: false),
        };
        return y.reshape([Options.QHeads, .. lead, Options.Bins]);
    }

    /// <summary>Values of every head [Q, ...].</summary>
    public Tensor QValues(Tensor z, Tensor a, QWeights which = QWeights.Online) => TwoHot.Decode(QLogits(z, a, which));

    /// <summary>
    /// The policy prior for noise <paramref name="eps"/> ~ N(0, I): mean and log-std (squashed into
    /// [log_std_min, log_std_max] by tanh) from the network, a = tanh(mean + eps exp(log_std)). The scaled
    /// entropy is the reference's: -log pi times action_dim / (log-prob before the tanh correction).
    /// </summary>
    public PolicySample Pi(Tensor z, Tensor eps)
    {
        Tensor out2 = Flat(Policy, z, 2 * ActDim);
        Tensor[] parts = out2.chunk(2, -1);
        Tensor mean = parts[0];
        float lo = Options.LogStdMin, dif = Options.LogStdMax - Options.LogStdMin;
        Tensor logStd = (parts[1].tanh() + 1).mul(0.5 * dif).add(lo);
        Tensor logProb = (eps.square().mul(-0.5) - logStd - 0.9189385175704956).sum(-1, keepdim: true);
        Tensor scaledLogProb = logProb * eps.shape[^1];
        Tensor action = (mean + eps * logStd.exp()).tanh();
        Tensor squashedLogProb = logProb - (nn.functional.relu(1 - action.square()) + 1e-6).log().sum(-1, keepdim: true);
        Tensor entropyScale = scaledLogProb / (squashedLogProb + 1e-8);
        return new PolicySample(action, mean.tanh(), -squashedLogProb * entropyScale);
    }

    /// <summary>Runs a single (E = 1) network on [..., in] and returns [..., out].</summary>
    private static Tensor Flat(NormedMlp net, Tensor x, int outDim)
    {
        long[] lead = x.shape[..^1];
        Tensor y = net.Forward(x.reshape(-1, x.shape[^1]), detach: false);
        return y.reshape([.. lead, outDim]);
    }
}

/// <summary>Which Q weights to evaluate.</summary>
internal enum QWeights
{
    Online,
    /// <summary>Online weights without gradient to them (the policy loss).</summary>
    Detached,
    /// <summary>The Polyak-averaged copies (TD targets).</summary>
    Target,
}
