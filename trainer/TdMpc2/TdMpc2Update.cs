using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robotics.Trainer.TdMpc2;

/// <summary>The losses of one update (before their coefficients), for logs and tests.</summary>
internal readonly record struct UpdateLosses(float Consistency, float Reward, float Value, float Policy, float QScale);

/// <summary>
/// One TD-MPC2 update on a batch of H-step slices, top to bottom:
/// 1. TD targets r + gamma (1 - terminated) min(Q_i, Q_j)(z', pi(z')) over two random target heads, z' = enc(o');
/// 2. unroll the dynamics from enc(o_0) through the batch's actions; consistency = rho^t-weighted MSE to enc(o_t+1);
/// 3. reward and every Q head on the unrolled latents, soft cross-entropy against the two-hot targets, rho^t-weighted;
/// 4. 20 x consistency + 0.1 x reward + 0.1 x value (the last two averaged over steps and heads), one Adam step
///    (encoder at 0.3 x the learning rate), gradient norm clipped to 20;
/// 5. the policy prior on the (detached) latents: maximise scaled Q (two random heads averaged, Q weights
///    frozen) + 1e-4 x scaled entropy, rho^t-weighted; its own Adam (eps 1e-5) and clipping;
/// 6. Polyak-average the target heads (tau 0.01).
/// </summary>
internal sealed class TdMpc2Update : IDisposable
{
    private readonly LatentWorldModel _m;
    private readonly TdMpc2Options _o;
    private readonly float _discount;
    private readonly Random _rng;
    private readonly optim.Optimizer _modelOptim, _piOptim;
    private readonly Parameter[] _modelParams, _piParams;
    private readonly RunningScale _scale;
    private readonly Generator _noise;

    public TdMpc2Update(LatentWorldModel model, TdMpc2Options options, float discount, Random rng, Generator noise)
    {
        _m = model; _o = options; _discount = discount; _rng = rng; _noise = noise;
        _scale = new RunningScale(options.Tau);
        var groups = new[]
        {
            new Adam.ParamGroup(model.Encoder.parameters(), lr: options.LearningRate * options.EncoderLrScale),
            new Adam.ParamGroup(model.Dynamics.parameters(), lr: options.LearningRate),
            new Adam.ParamGroup(model.Reward.parameters(), lr: options.LearningRate),
            new Adam.ParamGroup(model.Qs.parameters(), lr: options.LearningRate),
        };
        _modelParams = [.. model.Encoder.parameters(), .. model.Dynamics.parameters(), .. model.Reward.parameters(), .. model.Qs.parameters()];
        _piParams = [.. model.Policy.parameters()];
        _modelOptim = optim.Adam(groups, options.LearningRate);
        _piOptim = optim.Adam(_piParams, options.LearningRate, eps: 1e-5);
    }

    public float QScale => _scale.Value;

    /// <summary>Not real-time. obs [H+1, B, obs], action [H, B, act], reward and terminated [H, B].</summary>
    public UpdateLosses Step(Tensor obs, Tensor action, Tensor reward, Tensor terminated)
    {
        using var scope = NewDisposeScope();
        int h = (int)action.shape[0];
        Tensor rho = RhoWeights(h);

        // 1. TD targets (eval mode: no dropout).
        _m.eval();
        Tensor nextZ, td;
        using (no_grad())
        {
            nextZ = _m.Encode(obs.narrow(0, 1, h));
            Tensor a = _m.Pi(nextZ, Randn(nextZ, _m.ActDim)).Action;
            td = reward + _discount * (1 - terminated) * MinOfTwo(_m.QValues(nextZ, a, QWeights.Target));
        }

        // 2. Latent rollout and consistency.
        _m.train();
        _m.TargetQs.eval();
        Tensor z = _m.Encode(obs[0]);
        var zs = new Tensor[h + 1];
        zs[0] = z;
        Tensor consistency = zeros(1);
        for (int t = 0; t < h; t++)
        {
            z = _m.Next(z, action[t]);
            consistency = consistency + nn.functional.mse_loss(z, nextZ[t]) * MathF.Pow(_o.Rho, t);
            zs[t + 1] = z;
        }
        Tensor rolled = stack(zs[..h]);

        // 3. Reward and value losses, each step's batch mean weighted by rho^t.
        Tensor rewardCe = _m.TwoHot.SoftCrossEntropy(_m.RewardLogits(rolled, action), reward).mean([1]);
        Tensor qLogits = _m.QLogits(rolled, action);
        Tensor valueCe = _m.TwoHot.SoftCrossEntropy(qLogits, td.unsqueeze(0).expand(_m.Options.QHeads, h, -1)).mean([2]).sum(dim: 0);
        Tensor rewardLoss = (rewardCe * rho).sum() / h;
        Tensor valueLoss = (valueCe * rho).sum() / (h * _m.Options.QHeads);
        consistency = consistency / h;

        // 4. World-model step.
        Tensor total = _o.ConsistencyCoef * consistency + _o.RewardCoef * rewardLoss + _o.ValueCoef * valueLoss;
        _modelOptim.zero_grad();
        total.backward();
        nn.utils.clip_grad_norm_(_modelParams, _o.GradClipNorm);
        _modelOptim.step();

        // 5. Policy prior on the detached latents [H+1, B, L].
        Tensor zsAll = stack(zs).detach();
        PolicySample pi = _m.Pi(zsAll, Randn(zsAll, _m.ActDim));
        Tensor q = AverageOfTwo(_m.QValues(zsAll, pi.Action, QWeights.Detached)).unsqueeze(-1); // [H+1, B, 1]
        _scale.Update(q[0]);
        Tensor qScaled = _scale.Apply(q);
        Tensor rhoPi = RhoWeights(h + 1);
        Tensor piLoss = (-(_o.EntropyCoef * pi.ScaledEntropy + qScaled).mean([1, 2]) * rhoPi).mean();
        _piOptim.zero_grad();
        piLoss.backward();
        nn.utils.clip_grad_norm_(_piParams, _o.GradClipNorm);
        _piOptim.step();
        _modelOptim.zero_grad(); // the policy loss's backward reached the dynamics/encoder only through detached inputs

        // 6. Target heads.
        _m.TargetQs.PolyakFrom(_m.Qs, _o.Tau);
        _m.eval();
        return new UpdateLosses(consistency.item<float>(), rewardLoss.item<float>(), valueLoss.item<float>(), piLoss.item<float>(), _scale.Value);
    }

    /// <summary>Minimum of two distinct random heads of q [Q, ...].</summary>
    private Tensor MinOfTwo(Tensor q)
    {
        var (i, j) = Pair();
        return minimum(q[i], q[j]);
    }

    private Tensor AverageOfTwo(Tensor q)
    {
        var (i, j) = Pair();
        return (q[i] + q[j]) / 2;
    }

    private (int, int) Pair()
    {
        int n = _m.Options.QHeads, a = _rng.Next(n), b = _rng.Next(n - 1);
        return (a, b >= a ? b + 1 : b);
    }

    /// <summary>[1, rho, rho^2, ...] of length <paramref name="n"/>.</summary>
    private Tensor RhoWeights(int n)
    {
        var w = new float[n];
        for (int t = 0; t < n; t++) w[t] = MathF.Pow(_o.Rho, t);
        return tensor(w);
    }

    private Tensor Randn(Tensor like, int lastDim) => randn([.. like.shape[..^1], lastDim], generator: _noise);

    public void Dispose()
    {
        _modelOptim.Dispose();
        _piOptim.Dispose();
    }
}
