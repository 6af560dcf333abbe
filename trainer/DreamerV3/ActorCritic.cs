using Robotics.Trainer.TdMpc2;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robotics.Trainer.DreamerV3;

/// <summary>Actor-critic losses and statistics of one update.</summary>
internal readonly record struct ActorCriticLosses(float Actor, float Critic, float Entropy, float ReturnScale, float ImaginedReturn);

/// <summary>
/// DreamerV3's behaviour learning in imagination: the actor (features -> Gaussian with tanh mean and std in
/// [min, max]), the critic (two-hot over 255 symexp bins) and its slow EMA copy. From every posterior state of the
/// batch the actor imagines <c>horizon</c> steps through the prior; lambda-returns (lambda 0.95, discount
/// 1 - 1/333) bootstrapped with the critic, normalised by max(1, S) with S the EMA (0.99) of their 5th-95th
/// percentile range; the actor maximises them (gradients through the dynamics, or REINFORCE) plus 3e-4 x entropy,
/// the critic fits them plus a regulariser towards the slow critic's values.
/// </summary>
internal sealed class ActorCritic : nn.Module
{
    private const float HalfLog2PiE = 1.4189385332046727f;
    private readonly DreamerV3Options _o;
    private readonly Scalar _stdRange, _minStd, _discount, _oneMinusLambda, _lambda, _entropy, _slowReg, _halfLog2PiE, _fraction, _oneMinusFraction;
    private readonly Generator _noise;
    private float _low = float.NaN, _high = float.NaN;

    public ActorCritic(int actDim, DreamerV3Options o, Generator init, Generator noise) : base(nameof(ActorCritic))
    {
        _o = o; ActDim = actDim; _noise = noise;
        DreamerModelOptions m = o.Model;
        Actor = new Mlp("actor", m.FeatDim, m.Units, m.ActorLayers, 2 * actDim, init);
        Critic = new Mlp("critic", m.FeatDim, m.Units, m.CriticLayers, m.Bins, init);
        SlowCritic = new Mlp("slow_critic", m.FeatDim, m.Units, m.CriticLayers, m.Bins, init);
        Critic.Last.Zero();
        register_module("actor", Actor); register_module("critic", Critic); register_module("slow_critic", SlowCritic);
        using (no_grad())
            foreach (var (dst, src) in SlowCritic.parameters().Zip(Critic.parameters())) dst.copy_(src);
        foreach (var p in SlowCritic.parameters()) p.requires_grad = false;
        _stdRange = (m.MaxStd - m.MinStd).ToScalar(); _minStd = m.MinStd.ToScalar();
        _discount = o.Discount.ToScalar(); _lambda = o.Lambda.ToScalar(); _oneMinusLambda = (1f - o.Lambda).ToScalar();
        _entropy = o.ActorEntropy.ToScalar(); _slowReg = o.SlowCriticRegulariser.ToScalar(); _halfLog2PiE = HalfLog2PiE.ToScalar();
        _fraction = o.SlowCriticFraction.ToScalar(); _oneMinusFraction = (1f - o.SlowCriticFraction).ToScalar();
    }

    public int ActDim { get; }
    public Mlp Actor { get; }
    public Mlp Critic { get; }
    public Mlp SlowCritic { get; }
    /// <summary>The return scale max(1, S) of the last update.</summary>
    public float ReturnScale => float.IsNaN(_low) ? 1f : MathF.Max(1f, _high - _low);

    /// <summary>Features [..., F] -> mean = tanh, std = (max - min) sigmoid(x + 2) + min, both [..., A].</summary>
    public (Tensor Mean, Tensor Std) Policy(Tensor feat)
    {
        Tensor[] parts = Actor.forward(feat).chunk(2, -1);
        return (parts[0].tanh(), parts[1].add(S.Two).sigmoid().mul(_stdRange).add(_minStd));
    }

    /// <summary>Not real-time. One actor and critic update from the (detached) posterior states [N, D] and [N, S x C].</summary>
    public ActorCriticLosses Update(WorldModel wm, Tensor deter, Tensor stoch, Tensor startCont,
                                    optim.Optimizer actorOpt, optim.Optimizer criticOpt, Parameter[] actorParams, Parameter[] criticParams)
    {
        int h = _o.ImaginationHorizon;
        long n = deter.shape[0];
        int classes = wm.O.Stoch * wm.O.Classes;

        // 1. Imagine h steps from every start with the actor's reparameterised samples.
        var feats = new Tensor[h + 1]; var entropies = new Tensor[h]; var logps = new Tensor[h];
        feats[0] = cat([deter, stoch], -1);
        for (int t = 0; t < h; t++)
        {
            var (mean, std) = Policy(feats[t]);
            Tensor eps = randn([n, ActDim], generator: _noise);
            Tensor a = mean.add(std.mul(eps));
            entropies[t] = std.log().add(_halfLog2PiE).sum([-1]);
            if (_o.ActorReinforce)
            {
                Tensor ad = a.detach();
                logps[t] = ad.sub(mean).div(std).square().mul(S.Half).neg().sub(std.log()).sub(_halfLog2PiE).add(S.Half).sum([-1]);
                a = ad;
            }
            deter = wm.Rssm.Core(deter, stoch, a);
            Tensor prior = wm.Rssm.Probs(wm.Rssm.PriorLogits(deter));
            stoch = wm.Rssm.Sample(prior, rand([n, wm.O.Stoch], generator: _noise));
            feats[t + 1] = cat([deter, stoch], -1);
        }
        Tensor traj = stack(feats);                                   // [H+1, N, F]
        Tensor later = traj.narrow(0, 1, h);
        Tensor rew = wm.TwoHot.Decode(wm.Reward.forward(later));     // [H, N]: reward on arriving in s_1..s_H
        Tensor cont = wm.Continuation.forward(later).squeeze(-1).gt(0).to_type(ScalarType.Float32).detach();
        Tensor value = wm.TwoHot.Decode(Critic.forward(traj));       // [H+1, N]

        // 2. Lambda-returns R_t = r_t+1 + gamma c_t+1 ((1 - lambda) v_t+1 + lambda R_t+1), R_H = v_H; weights = cumulative discount.
        var rets = new Tensor[h];
        Tensor next = value[h];
        for (int t = h - 1; t >= 0; t--)
        {
            next = rew[t].add(cont[t].mul(_discount).mul(value[t + 1].mul(_oneMinusLambda).add(next.mul(_lambda))));
            rets[t] = next;
        }
        Tensor ret = stack(rets);                                    // [H, N]
        var ws = new Tensor[h];
        ws[0] = startCont;
        for (int t = 1; t < h; t++) ws[t] = ws[t - 1].mul(cont[t - 1]).mul(_discount);
        Tensor weight = stack(ws).detach();

        // 3. Return normalisation: EMA of the 5th and 95th percentiles.
        UpdatePercentiles(ret.detach());
        Scalar scale = ReturnScale.ToScalar();
        Tensor baseline = value.narrow(0, 0, h).detach();
        Tensor adv = ret.sub(baseline).div(scale);
        Tensor entropy = stack(entropies);
        Tensor actorObjective = _o.ActorReinforce ? stack(logps).mul(adv.detach()) : adv;
        Tensor actorLoss = actorObjective.add(entropy.mul(_entropy)).mul(weight).neg().mean();
        actorOpt.zero_grad();
        actorLoss.backward();
        nn.utils.clip_grad_norm_(actorParams, _o.ActorCriticGradClip);
        actorOpt.step();

        // 4. Critic on the detached imagined states: the returns plus the slow critic's values as two-hot targets.
        Tensor states = traj.narrow(0, 0, h).detach();
        Tensor logits = Critic.forward(states);
        Tensor slow;
        using (no_grad()) slow = wm.TwoHot.Decode(SlowCritic.forward(states));
        Tensor criticLoss = wm.TwoHot.SoftCrossEntropy(logits, ret.detach()).add(wm.TwoHot.SoftCrossEntropy(logits, slow).mul(_slowReg)).mul(weight).mean();
        criticOpt.zero_grad(); // also clears what the actor's backward left on the critic
        criticLoss.backward();
        nn.utils.clip_grad_norm_(criticParams, _o.ActorCriticGradClip);
        criticOpt.step();

        // 5. Slow critic EMA.
        using (no_grad())
            foreach (var (dst, src) in SlowCritic.parameters().Zip(Critic.parameters())) dst.mul_(_oneMinusFraction).add_(src.mul(_fraction));
        float s = ReturnScale;
        scale.Dispose();
        return new ActorCriticLosses(actorLoss.item<float>(), criticLoss.item<float>(), entropy.mean().item<float>(), s, ret.mean().item<float>());
    }

    private void UpdatePercentiles(Tensor ret)
    {
        float[] r = ret.cpu().contiguous().data<float>().ToArray();
        Array.Sort(r);
        float lo = r[(int)(0.05 * (r.Length - 1))], hi = r[(int)(0.95 * (r.Length - 1))];
        float d = _o.ReturnNormDecay;
        if (float.IsNaN(_low)) { _low = lo; _high = hi; }
        else { _low = d * _low + (1 - d) * lo; _high = d * _high + (1 - d) * hi; }
    }
}
