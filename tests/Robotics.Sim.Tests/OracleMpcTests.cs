using Robotics.Sim.Environments;
using Xunit.Abstractions;

namespace Robotics.Sim.Tests;

/// <summary>
/// The tasks are solvable within their force/torque and track limits: a small CEM planner that uses a copy
/// of the environment itself as its model (an oracle, the best a learned model can hope for) reaches returns
/// far above a random policy (cartpole-swingup random ~0.6 and terminated off the track; reacher2d random ~-8).
/// A weaker planner (64 samples, horizon 20) drove the cart off the track: the far-field reward is ~0 there.
/// These numbers bound what the PETS experiments can reach.
/// </summary>
public class OracleMpcTests(ITestOutputHelper output)
{
    [Fact]
    public void CartpoleSwingup_OracleCem_SwingsUpAndBalancesWithoutLeavingTheTrack()
    {
        var env = new CartpoleSwingup(seed: 1);
        var model = new CartpoleSwingup();
        var obs = new float[5];
        var scratch = new float[5];
        env.Reset(null, obs);
        var cem = new Cem(horizon: 25, dim: 1, limit: 10f, seed: 3, population: 150, elites: 15, iterations: 4);
        double ret = 0;
        int uprightSteps = 0;
        for (int t = 0; t < env.MaxEpisodeSteps; t++)
        {
            var s = env.State;
            float action = cem.Plan(plan =>
            {
                model.SetState(s.X, s.Theta, s.XDot, s.ThetaDot, scratch);
                double total = 0;
                for (int h = 0; h < plan.Length; h++)
                {
                    var r = model.Step(plan.AsSpan(h, 1), scratch);
                    total += r.Reward;
                    if (r.Terminated) break;
                }
                return total;
            })[0];
            var step = env.Step([action], obs);
            ret += step.Reward;
            if (obs[1] > 0.95f) uprightSteps++;
            Assert.False(step.Terminated, $"left the track at step {t}");
        }
        output.WriteLine($"cartpole-swingup oracle CEM return {ret:F1}, upright (cos > 0.95) {uprightSteps}/200 steps");
        Assert.True(ret > 140, $"oracle return {ret:F1}");
        Assert.True(uprightSteps > 120, $"upright for {uprightSteps} of 200 steps");
    }

    [Fact]
    public void Reacher2D_OracleCem_ReachesAndHoldsTheTarget()
    {
        var env = new Reacher2D(seed: 4);
        var model = new Reacher2D();
        var obs = new float[10];
        var scratch = new float[10];
        var cem = new Cem(horizon: 10, dim: 2, limit: 1f, seed: 5, population: 64, elites: 8, iterations: 4);
        double totalReturn = 0;
        const int episodes = 2;
        for (int e = 0; e < episodes; e++)
        {
            env.Reset(null, obs);
            for (int t = 0; t < env.MaxEpisodeSteps; t++)
            {
                var s = env.State;
                float[] action = cem.Plan(plan =>
                {
                    model.SetState(s.Q1, s.Q2, s.Q1Dot, s.Q2Dot, s.TargetX, s.TargetY, scratch);
                    double total = 0;
                    for (int h = 0; h < plan.Length / 2; h++) total += model.Step(plan.AsSpan(2 * h, 2), scratch).Reward;
                    return total;
                });
                totalReturn += env.Step(action, obs).Reward;
            }
            double finalDistance = Math.Sqrt(obs[8] * obs[8] + obs[9] * obs[9]);
            output.WriteLine($"reacher2d oracle CEM episode {e}: final distance {finalDistance:F4} m");
            Assert.True(finalDistance < 0.01, $"episode {e}: final distance {finalDistance:F4} m");
        }
        output.WriteLine($"reacher2d oracle CEM mean return {totalReturn / episodes:F2}");
        Assert.True(totalReturn / episodes > -2.5, $"oracle mean return {totalReturn / episodes:F2}");
    }

    /// <summary>Cross-entropy method over an open-loop action sequence, warm-started by shifting.</summary>
    private sealed class Cem(int horizon, int dim, float limit, int seed, int population, int elites, int iterations)
    {
        private int Population => population;
        private int Elites => elites;
        private int Iterations => iterations;
        private readonly Random _rng = new(seed);
        private readonly float[] _mean = new float[horizon * dim];

        public float[] Plan(Func<float[], double> evaluate)
        {
            var std = Enumerable.Repeat(limit / 2, _mean.Length).ToArray();
            var samples = new float[Population][];
            var scores = new double[Population];
            for (int it = 0; it < Iterations; it++)
            {
                for (int p = 0; p < Population; p++)
                {
                    var a = samples[p] ??= new float[_mean.Length];
                    for (int i = 0; i < a.Length; i++)
                        a[i] = p == 0 ? _mean[i] : Math.Clamp(_mean[i] + std[i] * Gaussian(), -limit, limit);
                    scores[p] = evaluate(a);
                }
                var elite = Enumerable.Range(0, Population).OrderByDescending(p => scores[p]).Take(Elites).ToArray();
                for (int i = 0; i < _mean.Length; i++)
                {
                    double m = elite.Average(p => samples[p][i]);
                    _mean[i] = (float)m;
                    std[i] = (float)Math.Sqrt(elite.Average(p => (samples[p][i] - m) * (samples[p][i] - m))) + 1e-3f;
                }
            }
            float[] first = _mean[..dim];
            Array.Copy(_mean, dim, _mean, 0, _mean.Length - dim); // warm start: shift the plan by one step
            Array.Clear(_mean, _mean.Length - dim, dim);
            return first;
        }

        private float Gaussian() =>
            (float)(Math.Sqrt(-2 * Math.Log(1 - _rng.NextDouble())) * Math.Cos(2 * Math.PI * _rng.NextDouble()));
    }
}
