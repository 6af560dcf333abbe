using static TorchSharp.torch;

namespace Robotics.Trainer.TdMpc2;

/// <summary>
/// The policy loss divides Q by a running scale so its size does not depend on the task's reward units:
/// the 5th-95th percentile range of the batch's Q values (linear interpolation between order statistics,
/// at least 1), moved towards by <c>tau</c> each update, starting at 1.
/// </summary>
internal sealed class RunningScale(float tau)
{
    public float Value { get; private set; } = 1f;

    /// <summary>Updates from the values <paramref name="q"/> (any shape, flattened).</summary>
    public void Update(Tensor q)
    {
        float[] x = q.detach().reshape(-1).cpu().data<float>().ToArray();
        Array.Sort(x);
        float range = Math.Max(Percentile(x, 95) - Percentile(x, 5), 1f);
        Value += tau * (range - Value);
    }

    public Tensor Apply(Tensor q) => q / Value;

    /// <summary>The reference's percentile: position p (n - 1) / 100 between the floor and ceiling order statistics.</summary>
    internal static float Percentile(float[] sorted, float p)
    {
        float pos = p * (sorted.Length - 1) / 100f;
        int lo = (int)MathF.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
        float w = pos - lo;
        return sorted[lo] * (1 - w) + sorted[hi] * w;
    }
}
