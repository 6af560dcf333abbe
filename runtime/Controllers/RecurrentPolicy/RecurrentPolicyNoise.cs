using Robotics.Runtime.Planning;

namespace Robotics.Runtime.Controllers.RecurrentPolicy;

/// <summary>
/// Every random number of one recurrent-policy tick, drawn in a fixed order from one seeded generator: a uniform
/// in (0, 1) per categorical latent (the posterior sample), then a standard normal per action dimension (zero when
/// not exploring: the deterministic policy). The trainer's agent draws through this class too, so a seed gives
/// the runtime and the trainer the same latents.
/// </summary>
public sealed class RecurrentPolicyNoise
{
    private readonly GaussianSampler _gaussian;

    public RecurrentPolicyNoise(int stoch, int actDim, Random rng)
    {
        Stoch = new float[stoch];
        Action = new float[actDim];
        _gaussian = new GaussianSampler(rng);
    }

    /// <summary>Uniforms [S] for the categorical latents.</summary>
    public float[] Stoch { get; }
    /// <summary>Standard normals [A] for the action (zeros unless exploring).</summary>
    public float[] Action { get; }

    /// <summary>Hot path, allocation-free.</summary>
    public void Fill(bool explore)
    {
        for (int i = 0; i < Stoch.Length; i++) Stoch[i] = (float)_gaussian.Random.NextDouble();
        for (int j = 0; j < Action.Length; j++) Action[j] = explore ? _gaussian.Next() : 0f;
    }
}
