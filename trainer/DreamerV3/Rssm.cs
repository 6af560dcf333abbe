using Robotics.Core.Onnx.Recurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace Robotics.Trainer.DreamerV3;

/// <summary>
/// The recurrent state-space model (DreamerV3): a deterministic state h (block GRU) and a stochastic state z of
/// <c>stoch</c> categorical latents of <c>classes</c> classes, each a one-hot with straight-through gradients.
/// <see cref="Core"/> (h, z, a) -> h'; <see cref="PriorLogits"/> h -> z logits (imagination);
/// <see cref="PosteriorLogits"/> (h, embedding) -> z logits (filtering). Probabilities mix in 1% uniform.
/// The runtime's step graph (<see cref="RecurrentPolicyGraph"/>) computes the same core, posterior and sample.
/// </summary>
internal sealed class Rssm : nn.Module
{
    private readonly Dense _in0, _in1, _in2;
    private readonly Block[] _hidden;
    private readonly Block _gru;
    private readonly Mlp _prior, _posterior;
    private readonly Tensor _cdf;
    private readonly Scalar _keep, _mix;

    public Rssm(DreamerModelOptions o, int actDim, int embed, Generator g) : base(nameof(Rssm))
    {
        O = o; ActDim = actDim;
        int per = o.Deter / o.Blocks;
        _in0 = new Dense("dynin0", o.Deter, o.Hidden, true, g);
        _in1 = new Dense("dynin1", o.Stoch * o.Classes, o.Hidden, true, g);
        _in2 = new Dense("dynin2", actDim, o.Hidden, true, g);
        _hidden = [new Block("dynhid0", o.Blocks, per + 3 * o.Hidden, per, true, g)];
        _gru = new Block("dyngru", o.Blocks, per, 3 * per, false, g);
        _prior = new Mlp("prior", o.Deter, o.Hidden, o.PriorLayers, o.Stoch * o.Classes, g);
        _posterior = new Mlp("posterior", o.Deter + embed, o.Hidden, o.PosteriorLayers, o.Stoch * o.Classes, g);
        register_module("dynin0", _in0); register_module("dynin1", _in1); register_module("dynin2", _in2);
        register_module("dynhid0", _hidden[0]); register_module("dyngru", _gru);
        register_module("prior", _prior); register_module("posterior", _posterior);
        _cdf = tensor(RecurrentPolicyGraph.CdfMatrix(o.Classes), [o.Classes, o.Classes]);
        _keep = (1f - o.Unimix).ToScalar(); _mix = (o.Unimix / o.Classes).ToScalar();
    }

    public DreamerModelOptions O { get; }
    public int ActDim { get; }

    /// <summary>(h [N, D], z [N, S x C], a [N, A]) -> h' [N, D].</summary>
    public Tensor Core(Tensor deter, Tensor stoch, Tensor action)
    {
        int blocks = O.Blocks, per = O.Deter / blocks;
        long n = deter.shape[0];
        action = action.div(action.abs().clamp_min(S.One));
        Tensor x = cat([_in0.forward(deter), _in1.forward(stoch), _in2.forward(action)], 1);
        Tensor grouped = cat([deter.reshape(n, blocks, per), x.unsqueeze(1).expand(n, blocks, 3 * O.Hidden)], 2);
        foreach (Block b in _hidden) grouped = b.forward(grouped).reshape(n, blocks, per);
        Tensor[] gates = _gru.forward(grouped).reshape(n, blocks, 3 * per).split([per, per, per], 2);
        Tensor reset = gates[0].reshape(n, O.Deter).sigmoid();
        Tensor cand = reset.mul(gates[1].reshape(n, O.Deter)).tanh();
        Tensor update = gates[2].reshape(n, O.Deter).sub(S.One).sigmoid();
        return update.mul(cand).add(update.neg().add(S.One).mul(deter));
    }

    public Tensor PriorLogits(Tensor deter) => _prior.forward(deter);

    public Tensor PosteriorLogits(Tensor deter, Tensor embed) => _posterior.forward(cat([deter, embed], -1));

    /// <summary>Logits [..., S x C] -> unimixed probabilities [..., S, C].</summary>
    public Tensor Probs(Tensor logits)
    {
        long[] shape = [.. logits.shape[..^1], O.Stoch, O.Classes];
        return logits.reshape(shape).softmax(-1).mul(_keep).add(_mix);
    }

    /// <summary>
    /// Probabilities [N, S, C] and uniform noise [N, S] -> one-hot [N, S x C]: class k where cdf_{k-1} &lt;= u &lt; cdf_k
    /// (the runtime's rule), plus probs - sg(probs) for the straight-through gradient (exactly 0 in value).
    /// </summary>
    public Tensor Sample(Tensor probs, Tensor u)
    {
        int k = O.Classes;
        Tensor cdf = matmul(probs.detach(), _cdf);
        Tensor below = u.unsqueeze(2).lt(cdf).to_type(ScalarType.Float32);
        Tensor shifted = cat([zeros_like(below.narrow(2, 0, 1)), below.narrow(2, 0, k - 1)], 2);
        Tensor onehot = below.sub(shifted);
        if (probs.requires_grad) onehot = onehot.add(probs.sub(probs.detach()));
        return onehot.reshape(probs.shape[0], O.Stoch * k);
    }

    /// <summary>KL(p || q) of [..., S, C] probabilities, summed over the latents: [...].</summary>
    public static Tensor Kl(Tensor p, Tensor q) => p.mul(p.log().sub(q.log())).sum([-2, -1]);

    public (DenseLayer In0, DenseLayer In1, DenseLayer In2, BlockLayer[] Hidden, BlockLayer Gru, DenseLayer[] Posterior) Export() =>
        (_in0.Export(), _in1.Export(), _in2.Export(), [.. _hidden.Select(b => b.Export())], _gru.Export(), _posterior.Export());
}
