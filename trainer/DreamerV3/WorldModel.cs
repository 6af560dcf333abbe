using Robotics.Trainer.TdMpc2;
using TorchSharp;
using static TorchSharp.torch;

namespace Robotics.Trainer.DreamerV3;

/// <summary>What a filtered sequence gives: states and both distributions per step, time-major [T, B, ...].</summary>
internal readonly record struct ObservedStates(Tensor Deter, Tensor Stoch, Tensor Posterior, Tensor Prior)
{
    /// <summary>Features [T, B, D + S x C] the heads, actor and critic read.</summary>
    public Tensor Features => cat([Deter, Stoch], -1);
}

/// <summary>World-model losses of one update (batch means).</summary>
internal readonly record struct ModelLosses(float Total, float Reconstruction, float Reward, float Continuation, float KlDynamics, float KlRepresentation);

/// <summary>
/// DreamerV3's world model: encoder (symlog observations through normed layers), <see cref="Rssm"/>, and heads on
/// the features [h, z]: decoder (symlog observation, squared error), reward (two-hot over 255 bins in symlog
/// space, read back with symexp; <see cref="TwoHot"/> shared with TD-MPC2), continuation (Bernoulli logit).
/// </summary>
internal sealed class WorldModel : nn.Module
{
    private readonly Scalar _freeNats, _klDyn, _klRep;

    public WorldModel(int obsDim, int actDim, DreamerModelOptions o, DreamerV3Options run, Generator g) : base(nameof(WorldModel))
    {
        O = o.Validate(); ObsDim = obsDim; ActDim = actDim;
        TwoHot = new TwoHot(o.Bins, -20f, 20f);
        Encoder = new Mlp("encoder", obsDim, o.Units, o.EncoderLayers, null, g);
        Rssm = new Rssm(o, actDim, o.Units, g);
        Decoder = new Mlp("decoder", o.FeatDim, o.Units, o.DecoderLayers, obsDim, g);
        Reward = new Mlp("reward", o.FeatDim, o.Units, o.HeadLayers, o.Bins, g);
        Continuation = new Mlp("cont", o.FeatDim, o.Units, o.HeadLayers, 1, g);
        Reward.Last.Zero();
        register_module("encoder", Encoder); register_module("rssm", Rssm); register_module("decoder", Decoder);
        register_module("reward", Reward); register_module("cont", Continuation);
        _freeNats = run.FreeNats.ToScalar(); _klDyn = run.KlDynamics.ToScalar(); _klRep = run.KlRepresentation.ToScalar();
    }

    public DreamerModelOptions O { get; }
    public int ObsDim { get; }
    public int ActDim { get; }
    public TwoHot TwoHot { get; }
    public Mlp Encoder { get; }
    public Rssm Rssm { get; }
    public Mlp Decoder { get; }
    public Mlp Reward { get; }
    public Mlp Continuation { get; }

    public Tensor Embed(Tensor obs) => Encoder.forward(TwoHot.Symlog(obs));

    /// <summary>
    /// Filters a batch of sequences: obs [T, B, O], prev action [T, B, A] (the action that led to each obs), is_first
    /// [T, B] (state, stoch and previous action zeroed there), uniform noise [T, B, S] for the samples.
    /// </summary>
    public ObservedStates Observe(Tensor obs, Tensor prevAction, Tensor isFirst, Tensor noise)
    {
        long t = obs.shape[0], b = obs.shape[1];
        Tensor embed = Embed(obs);
        Tensor deter = zeros(b, O.Deter), stoch = zeros(b, O.Stoch * O.Classes);
        var ds = new Tensor[t]; var ss = new Tensor[t]; var posts = new Tensor[t]; var priors = new Tensor[t];
        for (int i = 0; i < t; i++)
        {
            Tensor keep = isFirst[i].neg().add(S.One).unsqueeze(-1);
            deter = Rssm.Core(deter.mul(keep), stoch.mul(keep), prevAction[i].mul(keep));
            Tensor post = Rssm.Probs(Rssm.PosteriorLogits(deter, embed[i]));
            stoch = Rssm.Sample(post, noise[i]);
            ds[i] = deter; ss[i] = stoch; posts[i] = post;
            priors[i] = Rssm.Probs(Rssm.PriorLogits(deter));
        }
        return new ObservedStates(stack(ds), stack(ss), stack(posts), stack(priors));
    }

    /// <summary>
    /// The world-model loss: reconstruction (symlog squared error summed over dims) + reward cross-entropy (where
    /// <paramref name="rewardMask"/> is 1) + continuation BCE + KL dynamics (sg posterior vs prior) and
    /// representation (posterior vs sg prior), each clipped below at the free nats, weighted 1.0 and 0.1.
    /// </summary>
    public (Tensor Loss, ModelLosses Parts) Loss(ObservedStates s, Tensor obs, Tensor reward, Tensor rewardMask, Tensor cont)
    {
        Tensor feat = s.Features;
        Tensor rec = Decoder.forward(feat).sub(TwoHot.Symlog(obs)).square().sum([-1]).mean();
        Tensor rew = TwoHot.SoftCrossEntropy(Reward.forward(feat), reward).mul(rewardMask).sum().div(rewardMask.sum().clamp_min(S.One));
        Tensor con = nn.functional.binary_cross_entropy_with_logits(Continuation.forward(feat).squeeze(-1), cont);
        Tensor dyn = Rssm.Kl(s.Posterior.detach(), s.Prior).clamp_min(_freeNats).mean();
        Tensor rep = Rssm.Kl(s.Posterior, s.Prior.detach()).clamp_min(_freeNats).mean();
        Tensor total = rec.add(rew).add(con).add(dyn.mul(_klDyn)).add(rep.mul(_klRep));
        return (total, new ModelLosses(total.item<float>(), rec.item<float>(), rew.item<float>(), con.item<float>(), dyn.item<float>(), rep.item<float>()));
    }
}
