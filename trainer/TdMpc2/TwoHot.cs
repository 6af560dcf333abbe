using static TorchSharp.torch;

namespace Robotics.Trainer.TdMpc2;

/// <summary>
/// Reward and value as distributions: a scalar x is symlog(x) = sign(x) ln(1 + |x|), clamped to
/// [vmin, vmax] and split between its two nearest of <c>bins</c> evenly spaced points (two-hot); a
/// prediction is a vector of logits, read back as symexp of the softmax-weighted mean of the points, and
/// trained with the cross-entropy against the two-hot target. This makes the loss scale-free across tasks.
/// </summary>
internal sealed class TwoHot
{
    public TwoHot(int bins, float vmin, float vmax)
    {
        if (bins < 2) throw new ArgumentException($"two-hot needs at least 2 bins, got {bins}");
        Bins = bins; VMin = vmin; VMax = vmax;
        BinSize = (vmax - vmin) / (bins - 1);
    }

    public int Bins { get; }
    public float VMin { get; }
    public float VMax { get; }
    public float BinSize { get; }

    public static Tensor Symlog(Tensor x) => x.sign() * (x.abs() + 1).log();
    public static Tensor Symexp(Tensor x) => x.sign() * (x.abs().exp() - 1);

    /// <summary>Scalars [...] to soft two-hot targets [..., bins].</summary>
    public Tensor Encode(Tensor x)
    {
        Tensor s = Symlog(x).clamp(VMin, VMax);
        Tensor pos = (s - VMin) / BinSize;
        Tensor idx = pos.floor();
        Tensor offset = (pos - idx).unsqueeze(-1);
        Tensor lower = idx.to_type(ScalarType.Int64).unsqueeze(-1);
        Tensor upper = (lower + 1).remainder(Bins);
        long[] shape = [.. x.shape, Bins];
        Tensor target = zeros(shape, dtype: x.dtype, device: x.device);
        target = target.scatter(-1, lower, 1 - offset);
        return target.scatter(-1, upper, offset);
    }

    /// <summary>Logits [..., bins] to scalars [...].</summary>
    public Tensor Decode(Tensor logits)
    {
        using Tensor points = linspace(VMin, VMax, Bins, dtype: logits.dtype, device: logits.device);
        return Symexp((logits.softmax(-1) * points).sum(dim: -1));
    }

    /// <summary>Cross-entropy of logits [..., bins] against the two-hot of scalar targets [...]: [...].</summary>
    public Tensor SoftCrossEntropy(Tensor logits, Tensor target) =>
        -(Encode(target) * logits.log_softmax(-1)).sum(dim: -1);
}
