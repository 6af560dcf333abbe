using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robotics.Trainer.TdMpc2;

/// <summary>How an MLP's last layer ends.</summary>
internal enum MlpHead
{
    /// <summary>A plain linear layer (reward and Q logits, policy mean and log-std).</summary>
    Linear,
    /// <summary>Linear -> LayerNorm -> SimNorm (latent states: softmax over groups of <c>simnormDim</c>).</summary>
    SimNorm,
}

/// <summary>
/// TD-MPC2's building block: hidden layers Linear -> (dropout on the first) -> LayerNorm -> Mish, then a
/// linear or SimNorm head. <c>members</c> independent copies are evaluated as one batched network
/// (weights [E, in, out], activations [E, N, width]); single networks use E = 1. Weights start from
/// N(0, 0.02) and biases at 0, as the reference initialises them; <see cref="ZeroLastLayer"/> zeroes the
/// head (reward and Q start by predicting 0).
/// </summary>
internal sealed class NormedMlp : nn.Module<Tensor, Tensor>
{
    private readonly Parameter[] _w, _b, _lnW, _lnB;
    private readonly int _simnormDim;
    private readonly float _dropout;

    public NormedMlp(string name, int members, int[] dims, MlpHead head, int simnormDim, float dropout, Generator generator)
        : base(name)
    {
        if (dims.Length < 2) throw new ArgumentException("an MLP needs at least an input and an output size");
        Members = members; Dims = dims; Head = head;
        _simnormDim = simnormDim; _dropout = dropout;
        int layers = dims.Length - 1;
        int normed = head == MlpHead.SimNorm ? layers : layers - 1;
        _w = new Parameter[layers]; _b = new Parameter[layers];
        _lnW = new Parameter[normed]; _lnB = new Parameter[normed];
        for (int l = 0; l < layers; l++)
        {
            _w[l] = nn.Parameter(randn([members, dims[l], dims[l + 1]], generator: generator).mul_(0.02));
            _b[l] = nn.Parameter(zeros(members, 1, dims[l + 1]));
            register_parameter($"w{l}", _w[l]);
            register_parameter($"b{l}", _b[l]);
            if (l < normed)
            {
                _lnW[l] = nn.Parameter(ones(members, 1, dims[l + 1]));
                _lnB[l] = nn.Parameter(zeros(members, 1, dims[l + 1]));
                register_parameter($"ln{l}_w", _lnW[l]);
                register_parameter($"ln{l}_b", _lnB[l]);
            }
        }
    }

    public int Members { get; }
    public int[] Dims { get; }
    public MlpHead Head { get; }
    public int InputDim => Dims[0];
    public int OutputDim => Dims[^1];
    public IReadOnlyList<Parameter> Weights => _w;
    public IReadOnlyList<Parameter> Biases => _b;
    public IReadOnlyList<Parameter> NormWeights => _lnW;
    public IReadOnlyList<Parameter> NormBiases => _lnB;

    public void ZeroLastLayer()
    {
        using var noGrad = no_grad();
        _w[^1].zero_();
        _b[^1].zero_();
    }

    /// <summary>x [N, in] (shared by all members) or [E, N, in] to [E, N, out].</summary>
    public override Tensor forward(Tensor x) => Forward(x, detach: false);

    /// <summary>As forward; <paramref name="detach"/> blocks gradients to this network's weights (they still reach x).</summary>
    public Tensor Forward(Tensor x, bool detach)
    {
        Tensor h = x.dim() == 2 ? x.unsqueeze(0) : x;
        int layers = _w.Length;
        for (int l = 0; l < layers; l++)
        {
            Tensor w = detach ? _w[l].detach() : _w[l];
            Tensor b = detach ? _b[l].detach() : _b[l];
            h = matmul(h, w).add(b);
            if (l == 0 && _dropout > 0 && training) h = nn.functional.dropout(h, _dropout, training: true);
            if (l >= _lnW.Length) break;
            h = nn.functional.layer_norm(h, [Dims[l + 1]], null, null, 1e-5);
            h = h.mul(detach ? _lnW[l].detach() : _lnW[l]).add(detach ? _lnB[l].detach() : _lnB[l]);
            if (l < layers - 1) h = nn.functional.mish(h);
            else h = SimNorm(h, _simnormDim);
        }
        return h;
    }

    /// <summary>Softmax over consecutive groups of <paramref name="groupDim"/> units.</summary>
    public static Tensor SimNorm(Tensor x, int groupDim)
    {
        long[] shape = x.shape;
        long[] grouped = [.. shape[..^1], shape[^1] / groupDim, groupDim];
        return x.reshape(grouped).softmax(-1).reshape(shape);
    }

    /// <summary>Polyak step of this network's weights towards <paramref name="source"/>'s: p = (1 - tau) p + tau s.</summary>
    public void PolyakFrom(NormedMlp source, double tau)
    {
        using var noGrad = no_grad();
        foreach (var (dst, src) in parameters().Zip(source.parameters())) dst.mul_(1 - tau).add_(src, alpha: tau);
    }

    /// <summary>Copies every weight from <paramref name="source"/> (same shape).</summary>
    public void CopyFrom(NormedMlp source)
    {
        using var noGrad = no_grad();
        foreach (var (dst, src) in parameters().Zip(source.parameters())) dst.copy_(src);
    }
}
