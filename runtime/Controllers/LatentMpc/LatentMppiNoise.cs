using Robotics.Runtime.Planning;

namespace Robotics.Runtime.Controllers.LatentMpc;

/// <summary>
/// Every random number one latent MPPI plan consumes, drawn up front so two planners (the trainer's
/// TorchSharp reference and the runtime's ONNX loop) given the same noise return the same action.
/// Layouts are row-major: <see cref="PolicyEps"/> [H, P, A] for the prior's trajectories,
/// <see cref="Samples"/> [I, H, N - P, A], <see cref="TerminalEps"/> [I, N, A] for the prior's action at the
/// horizon, <see cref="QPairs"/> [I, 2] the two Q heads averaged for the terminal value, <see cref="Gumbel"/>
/// [K] for picking the elite, <see cref="ActionNoise"/> [A] added in training mode.
/// </summary>
public sealed class LatentMppiNoise
{
    public LatentMppiNoise(LatentMppiOptions options, int actDim, int qHeads)
    {
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(actDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(qHeads, 2);
        Options = options; ActDim = actDim; QHeads = qHeads;
        PolicyEps = new float[options.Horizon * options.PolicySamples * actDim];
        Samples = new float[options.Iterations * options.Horizon * options.GaussianSamples * actDim];
        TerminalEps = new float[options.Iterations * options.Samples * actDim];
        QPairs = new int[options.Iterations * 2];
        Gumbel = new float[options.Elites];
        ActionNoise = new float[actDim];
    }

    public LatentMppiOptions Options { get; }
    public int ActDim { get; }
    public int QHeads { get; }
    public float[] PolicyEps { get; }
    public float[] Samples { get; }
    public float[] TerminalEps { get; }
    public int[] QPairs { get; }
    public float[] Gumbel { get; }
    public float[] ActionNoise { get; }

    /// <summary>Hot path, allocation-free. Draws a fresh set from <paramref name="gaussian"/>'s generator.</summary>
    public void Fill(GaussianSampler gaussian)
    {
        gaussian.Fill(PolicyEps);
        gaussian.Fill(Samples);
        gaussian.Fill(TerminalEps);
        gaussian.Fill(ActionNoise);
        Random rng = gaussian.Random;
        for (int i = 0; i < QPairs.Length; i += 2)
        {
            // Two distinct heads, uniformly (the reference's randperm(num_q)[:2]).
            int a = rng.Next(QHeads), b = rng.Next(QHeads - 1);
            QPairs[i] = a; QPairs[i + 1] = b >= a ? b + 1 : b;
        }
        for (int k = 0; k < Gumbel.Length; k++)
        {
            double u = 1.0 - rng.NextDouble(); // (0, 1]
            Gumbel[k] = (float)-Math.Log(-Math.Log(u) + 1e-20);
        }
    }
}
