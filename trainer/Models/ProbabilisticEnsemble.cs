using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Robotics.Trainer.Models;

/// <summary>
/// E independent MLPs evaluated as one batched network: activations are [E, B, width] and each layer is
/// bmm([E,B,in], [E,in,out]) + [E,1,out] (bmm + add because torch.baddbmm in TorchSharp 0.107.0 rejects
/// valid shapes). Each member predicts a Gaussian over the normalised targets: a mean and a log-variance
/// softly bounded between learned limits (PETS, Chua et al. 2018), so variance cannot collapse or explode
/// on data far from the training set.
/// </summary>
internal sealed class ProbabilisticEnsemble : nn.Module<Tensor, (Tensor Mean, Tensor LogVar)>
{
    private readonly Parameter[] _weights;
    private readonly Parameter[] _biases;
    private readonly Parameter _maxLogVar;
    private readonly Parameter _minLogVar;

    public ProbabilisticEnsemble(int members, int inputDim, int outputDim, int hiddenUnits, int hiddenLayers, Generator generator)
        : base(nameof(ProbabilisticEnsemble))
    {
        Members = members; InputDim = inputDim; OutputDim = outputDim; HiddenUnits = hiddenUnits; HiddenLayers = hiddenLayers;
        int layers = hiddenLayers + 1;
        _weights = new Parameter[layers];
        _biases = new Parameter[layers];
        for (int l = 0; l < layers; l++)
        {
            int fanIn = l == 0 ? inputDim : hiddenUnits;
            int fanOut = l == hiddenLayers ? 2 * outputDim : hiddenUnits;
            // Truncated normal with std 1/(2 sqrt(fan_in)), as in the PETS reference implementation.
            double std = 1.0 / (2.0 * Math.Sqrt(fanIn));
            using var w = randn([members, fanIn, fanOut], generator: generator).mul_(std).clamp_(-2 * std, 2 * std);
            _weights[l] = nn.Parameter(w.detach().clone());
            _biases[l] = nn.Parameter(zeros(members, 1, fanOut));
            register_parameter($"w{l}", _weights[l]);
            register_parameter($"b{l}", _biases[l]);
        }
        _maxLogVar = nn.Parameter(full(new long[] { 1, 1, outputDim }, 0.5f));
        _minLogVar = nn.Parameter(full(new long[] { 1, 1, outputDim }, -10f));
        register_parameter("max_logvar", _maxLogVar);
        register_parameter("min_logvar", _minLogVar);
    }

    public int Members { get; }
    public int InputDim { get; }
    public int OutputDim { get; }
    public int HiddenUnits { get; }
    public int HiddenLayers { get; }

    public IReadOnlyList<Parameter> Weights => _weights;
    public IReadOnlyList<Parameter> Biases => _biases;
    public Parameter MaxLogVar => _maxLogVar;
    public Parameter MinLogVar => _minLogVar;

    /// <summary>Normalised inputs [E, B, in] to normalised (mean, log-variance), each [E, B, out].</summary>
    public override (Tensor Mean, Tensor LogVar) forward(Tensor x)
    {
        Tensor h = x;
        for (int l = 0; l < _weights.Length; l++)
        {
            Tensor z = bmm(h, _weights[l]).add_(_biases[l]);
            h = l < HiddenLayers ? nn.functional.silu(z) : z;
        }
        Tensor mean = h.narrow(2, 0, OutputDim);
        Tensor raw = h.narrow(2, OutputDim, OutputDim);
        Tensor logVar = _maxLogVar - nn.functional.softplus(_maxLogVar - raw);
        logVar = _minLogVar + nn.functional.softplus(logVar - _minLogVar);
        return (mean, logVar);
    }

    /// <summary>The mean only, for members selected by <paramref name="members"/> (x is [K, B, in]).</summary>
    public Tensor ForwardMean(Tensor x, Tensor members)
    {
        Tensor h = x;
        for (int l = 0; l < _weights.Length; l++)
        {
            Tensor w = _weights[l].index_select(0, members);
            Tensor b = _biases[l].index_select(0, members);
            if (l == HiddenLayers)
            {
                w = w.narrow(2, 0, OutputDim);
                b = b.narrow(2, 0, OutputDim);
            }
            Tensor z = bmm(h, w).add_(b);
            h = l < HiddenLayers ? nn.functional.silu(z) : z;
        }
        return h;
    }

    /// <summary>Per-member Gaussian negative log-likelihood (constant dropped), averaged over batch and outputs: [E].</summary>
    public static Tensor GaussianNll(Tensor mean, Tensor logVar, Tensor target) =>
        ((mean - target).square() * (-logVar).exp() + logVar).mean([1, 2]);
}
