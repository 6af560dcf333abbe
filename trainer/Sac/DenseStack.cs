using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robotics.Trainer.Sac;

/// <summary>
/// E independent ReLU MLPs as one batched network (E = 2 for the twin critics, 1 for the actor): weights
/// [E, in, out], biases [E, 1, out], activations [E, B, width], each layer bmm + add (torch.baddbmm misbehaves
/// in TorchSharp 0.107.0). Initialised as torch's nn.Linear (uniform within 1/sqrt(fan_in)) from a seeded
/// generator; every parameter float32.
/// </summary>
internal sealed class DenseStack : nn.Module<Tensor, Tensor>
{
    private readonly Parameter[] _w, _b;
    private readonly Scalar _one = 1f.ToScalar();
    private Scalar _tau = 0f.ToScalar(), _keep = 1f.ToScalar();
    private float _lastTau = float.NaN;

    public DenseStack(string name, int members, int[] dims, Generator generator) : base(name)
    {
        Members = members; Dims = dims;
        int layers = dims.Length - 1;
        _w = new Parameter[layers]; _b = new Parameter[layers];
        for (int l = 0; l < layers; l++)
        {
            double bound = 1.0 / Math.Sqrt(dims[l]);
            using var w = rand([members, dims[l], dims[l + 1]], dtype: float32, generator: generator).mul_(2 * bound).sub_(bound);
            using var b = rand([members, 1, dims[l + 1]], dtype: float32, generator: generator).mul_(2 * bound).sub_(bound);
            _w[l] = nn.Parameter(w.detach().clone());
            _b[l] = nn.Parameter(b.detach().clone());
            register_parameter($"w{l}", _w[l]);
            register_parameter($"b{l}", _b[l]);
        }
    }

    public int Members { get; }
    public int[] Dims { get; }
    public IReadOnlyList<Parameter> Weights => _w;
    public IReadOnlyList<Parameter> Biases => _b;

    /// <summary>x [E, B, in] -> [E, B, out].</summary>
    public override Tensor forward(Tensor x)
    {
        Tensor h = x;
        for (int l = 0; l < _w.Length; l++)
        {
            h = bmm(h, _w[l]).add(_b[l], _one);
            if (l < _w.Length - 1) h = nn.functional.relu(h);
        }
        return h;
    }

    /// <summary>Not real-time. this = (1 - tau) this + tau source, parameter by parameter.</summary>
    public void PolyakFrom(DenseStack source, float tau)
    {
        using var noGrad = no_grad();
        if (tau != _lastTau)
        {
            _tau.Dispose(); _keep.Dispose();
            _tau = tau.ToScalar(); _keep = (1 - tau).ToScalar(); _lastTau = tau;
        }
        foreach (var (dst, src) in parameters().Zip(source.parameters())) dst.mul_(_keep).add_(src, _tau);
    }

    /// <summary>Not real-time. Copies every parameter of <paramref name="source"/>.</summary>
    public void CopyFrom(DenseStack source)
    {
        using var noGrad = no_grad();
        foreach (var (dst, src) in parameters().Zip(source.parameters())) dst.copy_(src);
    }
}
