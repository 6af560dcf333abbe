using Robotics.Core.Episodes;
using Robotics.Sim.Environments;
using Robotics.Sim.Mujoco.Tasks;
using CartpoleV1 = Robotics.Core.Tasks.CartpoleTask;

namespace Robotics.Trainer.Safety;

/// <summary>
/// The velocities a model's training data covered, per velocity dimension of a built-in robot, and states outside
/// that range: the out-of-distribution probe of `veto-eval`. Positions and angles are drawn uniformly on the 2-D
/// robots (they wrap or are bounded and the data covers them) and from the task's reset distribution on the MuJoCo
/// tasks (every episode starts there) and near upright on CartPole-v1 (it terminates beyond 12 degrees); every velocity
/// lies beyond the range by at least the margin, up to the observation bound, on a side drawn at random (weighted by
/// room). A velocity the observation space leaves unbounded (CartPole-v1's) is bounded at twice the largest magnitude the
/// data reached, so the margin and the probe scale with the data rather than with float.MaxValue. Not real-time.
/// </summary>
public sealed record TrainingRange(string Robot, int[] VelocityDims, string[] Names, float[] Low, float[] High, float[] Bound, bool[]? Unbounded = null)
{
    /// <summary>Observation bounds at or above this are "unbounded" (Gymnasium's inf, stored as float.MaxValue).</summary>
    public const float UnboundedAbove = 1e30f;

    /// <summary>Velocity dimensions of the built-in robots' observations.</summary>
    public static int[] VelocityDimsOf(IEnvironment env) => env switch
    {
        Pendulum => [2],
        CartpoleSwingup => [3, 4],
        Reacher2D => [4, 5],
        Cartpole => [1, 3],
        MujocoTask m => m.VelocityObservationDims,
        _ => throw new ArgumentException($"veto-eval: no velocity layout for '{env.Id}' (built-in robots: pendulum, cartpole-swingup, reacher2d, cartpole and the mj-* tasks; the -pos variants observe no velocities)"),
    };

    /// <summary>Min and max of each velocity over the observations and next observations of <paramref name="rows"/>.</summary>
    public static TrainingRange Of(IEnvironment env, IReadOnlyList<Transition> rows)
    {
        int[] dims = VelocityDimsOf(env);
        var lo = Enumerable.Repeat(float.PositiveInfinity, dims.Length).ToArray();
        var hi = Enumerable.Repeat(float.NegativeInfinity, dims.Length).ToArray();
        foreach (var t in rows)
            for (int k = 0; k < dims.Length; k++)
            {
                lo[k] = Math.Min(lo[k], Math.Min(t.Obs[dims[k]], t.NextObs[dims[k]]));
                hi[k] = Math.Max(hi[k], Math.Max(t.Obs[dims[k]], t.NextObs[dims[k]]));
            }
        bool[] unbounded = dims.Select(d => env.ObservationSpace.High[d] >= UnboundedAbove).ToArray();
        float[] bound = dims.Select((d, k) => unbounded[k] ? 2 * Math.Max(Math.Abs(lo[k]), Math.Abs(hi[k])) : env.ObservationSpace.High[d]).ToArray();
        return new TrainingRange(env.Id, dims, dims.Select(d => env.ObservationSpace.Names[d]).ToArray(), lo, hi, bound, unbounded);
    }

    /// <summary>"theta_dot in [-5.9, 6.3] of +-8" ("of +-4.1 (unbounded: 2x the data)" where the space sets no bound).</summary>
    public string Describe(string separator = "; ") => string.Join(separator, Names.Select((n, k) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{n} in [{Low[k]:F2}, {High[k]:F2}] of +-{Bound[k]:G4}{(Unbounded?[k] == true ? " (unbounded: 2x the data)" : "")}")));

    /// <summary>The OOD velocity interval(s) of dimension k: (high + m, bound] and [-bound, low - m); empty ones have length 0.</summary>
    public (double Above, double Below) Room(int k, double margin)
    {
        double m = margin * Bound[k];
        return (Math.Max(0, Bound[k] - (High[k] + m)), Math.Max(0, (Low[k] - m) + Bound[k]));
    }

    /// <summary>True when every velocity has room outside the range (else there are no OOD states of this kind).</summary>
    public bool HasOodRoom(double margin) => Enumerable.Range(0, Names.Length).All(k => Room(k, margin) is var r && r.Above + r.Below > 1e-6);

    /// <summary><paramref name="count"/> observations with every velocity outside the range (see the type's summary).</summary>
    public List<float[]> OodStates(IEnvironment env, Random rng, int count, double margin)
    {
        if (!HasOodRoom(margin)) throw new InvalidOperationException($"veto-eval: the training data covers the whole velocity range of {Robot} ({Describe()})");
        var states = new List<float[]>(count);
        var obs = new float[env.ObservationSpace.Dimension];
        var qvel = new double[env is MujocoTask mt ? mt.Sim.Nv : 0];
        double U(double s) => (rng.NextDouble() * 2 - 1) * s;
        double V(int k)
        {
            var (above, below) = Room(k, margin);
            double m = margin * Bound[k];
            double u = rng.NextDouble() * (above + below);
            return u < above ? High[k] + m + u : Low[k] - m - (u - above);
        }
        while (states.Count < count)
        {
            switch (env)
            {
                case Pendulum p: p.SetState(U(Math.PI), V(0), obs); break;
                case CartpoleSwingup c: c.SetState(U(0.5 * c.Parameters.TrackLimit), U(Math.PI), V(0), V(1), obs); break;
                case Cartpole c: c.SetState(U(0.5 * CartpoleV1.XThreshold), V(0), U(0.5 * CartpoleV1.ThetaThreshold), V(1), obs); break;
                case Reacher2D r:
                    double rad = r.Parameters.TargetRadius * Math.Sqrt(rng.NextDouble()), phi = U(Math.PI);
                    r.SetState(U(Math.PI), U(Math.PI), V(0), V(1), rad * Math.Cos(phi), rad * Math.Sin(phi), obs);
                    break;
                case MujocoTask m:
                    // Positions from the task's own initial distribution, which every training episode starts from.
                    m.Reset(rng.Next(), obs);
                    for (int k = 0; k < qvel.Length; k++) qvel[k] = V(k);
                    m.SetVelocities(qvel, obs);
                    break;
                default: throw new ArgumentException($"veto-eval: no state sampler for '{env.Id}'");
            }
            states.Add((float[])obs.Clone());
        }
        return states;
    }
}
