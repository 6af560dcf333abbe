using Robotics.Core.Onnx.Recurrent;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robotics.Trainer.DreamerV3;

/// <summary>
/// Scalars every DreamerV3 module feeds to libtorch, held for the process's life: TorchSharp's implicit float ->
/// Scalar temporaries are not kept alive across the native call (the "Unknown scalar type" crashes).
/// </summary>
internal static class S
{
    public static readonly Scalar Zero = 0f.ToScalar(), One = 1f.ToScalar(), Two = 2f.ToScalar(), MinusOne = (-1f).ToScalar(), Half = 0.5f.ToScalar();
    public static readonly Scalar NormEps = Dense.NormEps.ToScalar();
}

/// <summary>
/// y = x W + b (W [in, out]); normed: RMSNorm(y) x scale, then SiLU (DreamerV3's Linear -> RMSNorm -> SiLU). Weights
/// start U(-1/sqrt(in), 1/sqrt(in)), biases at 0, norm scales at 1; <see cref="Zero"/> starts a head at 0.
/// </summary>
internal sealed class Dense : nn.Module<Tensor, Tensor>
{
    public const float NormEps = 1e-4f;
    private readonly Parameter _w, _b;
    private readonly Parameter? _scale;

    public Dense(string name, int inDim, int outDim, bool normed, Generator g) : base(name)
    {
        In = inDim; Out = outDim;
        _w = nn.Parameter((rand([inDim, outDim], generator: g) * 2 - 1) / MathF.Sqrt(inDim));
        _b = nn.Parameter(zeros(outDim));
        register_parameter("w", _w);
        register_parameter("b", _b);
        if (normed) { _scale = nn.Parameter(ones(outDim)); register_parameter("norm", _scale); }
    }

    public int In { get; }
    public int Out { get; }

    public void Zero()
    {
        using var _ = no_grad();
        _w.zero_(); _b.zero_();
    }

    public override Tensor forward(Tensor x)
    {
        Tensor y = matmul(x, _w).add(_b);
        return _scale is null ? y : nn.functional.silu(RmsNorm(y, _scale));
    }

    public static Tensor RmsNorm(Tensor x, Tensor scale) => x.div(x.square().mean([-1], keepdim: true).add(S.NormEps).sqrt()).mul(scale);

    public DenseLayer Export() => new(In, Out, Data(_w), Data(_b), _scale is null ? null : Data(_scale));

    internal static float[] Data(Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();
}

/// <summary>Normed hidden layers of <c>units</c>, then a plain output layer unless <c>outDim</c> is null.</summary>
internal sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Dense[] _layers;

    public Mlp(string name, int inDim, int units, int layers, int? outDim, Generator g) : base(name)
    {
        var ls = new List<Dense>();
        for (int i = 0; i < layers; i++) ls.Add(new Dense($"h{i}", i == 0 ? inDim : units, units, true, g));
        if (outDim is int o) ls.Add(new Dense("out", units, o, false, g));
        _layers = [.. ls];
        for (int i = 0; i < _layers.Length; i++) register_module($"l{i}", _layers[i]);
    }

    public Dense Last => _layers[^1];

    public override Tensor forward(Tensor x)
    {
        foreach (Dense l in _layers) x = l.forward(x);
        return x;
    }

    public DenseLayer[] Export() => [.. _layers.Select(l => l.Export())];
}

/// <summary>
/// DreamerV3's BlockLinear: <c>blocks</c> independent maps x [N, g, in] -> [N, g, out] (one batched matmul over the
/// blocks; bmm + add, as torch's baddbmm misbehaves here), flattened to [N, g x out]; normed: RMSNorm over the
/// flat output, then SiLU.
/// </summary>
internal sealed class Block : nn.Module<Tensor, Tensor>
{
    private readonly Parameter _w, _b;
    private readonly Parameter? _scale;

    public Block(string name, int blocks, int inDim, int outDim, bool normed, Generator g) : base(name)
    {
        Blocks = blocks; In = inDim; Out = outDim;
        _w = nn.Parameter((rand([blocks, inDim, outDim], generator: g) * 2 - 1) / MathF.Sqrt(inDim));
        _b = nn.Parameter(zeros(blocks * outDim));
        register_parameter("w", _w);
        register_parameter("b", _b);
        if (normed) { _scale = nn.Parameter(ones(blocks * outDim)); register_parameter("norm", _scale); }
    }

    public int Blocks { get; }
    public int In { get; }
    public int Out { get; }

    /// <summary>x [N, g, in] -> [N, g x out].</summary>
    public override Tensor forward(Tensor grouped)
    {
        long n = grouped.shape[0];
        Tensor y = bmm(grouped.transpose(0, 1), _w).transpose(0, 1).reshape(n, Blocks * Out).add(_b);
        return _scale is null ? y : nn.functional.silu(Dense.RmsNorm(y, _scale));
    }

    public BlockLayer Export() => new(Blocks, In, Out, Dense.Data(_w), Dense.Data(_b), _scale is null ? null : Dense.Data(_scale));
}
