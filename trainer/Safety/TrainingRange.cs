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

    /// <summary>The range of the rows a model was trained on: the first <c>training_transitions</c> of <paramref name="trainingDir"/>.</summary>
    public static TrainingRange Of(IEnvironment env, Core.Models.ModelCard card, string trainingDir) =>
        Of(env, EpisodeReader.ReadEpisodes(trainingDir).SelectMany(e => e.Transitions).Take((int)card.TrainingTransitions).ToList());

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
        return States(env, rng, count, k =>
        {
            var (above, below) = Room(k, margin);
            double m = margin * Bound[k];
            double u = rng.NextDouble() * (above + below);
            return u < above ? High[k] + m + u : Low[k] - m - (u - above);
        });
    }

    /// <summary>
    /// The near probe: every velocity in a band just past the data, from <paramref name="from"/> to
    /// <paramref name="from"/> + <paramref name="width"/> of the data's span (high - low) beyond its edge, clipped to the
    /// bound, on a side with room (weighted by it). Where the far probe (<see cref="OodStates"/>, a margin of the bound)
    /// is easy on wide-bounded robots, this asks how soon beyond the data the veto starts.
    /// </summary>
    public List<float[]> BandStates(IEnvironment env, Random rng, int count, double from, double width)
    {
        var bands = Bands(from, width);
        if (Array.FindIndex(bands, b => !HasRoom(b)) is int k and >= 0)
            throw new InvalidOperationException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"veto-eval: no room for {Names[k]} {from:G3}-{from + width:G3} of the data's span beyond [{Low[k]:F2}, {High[k]:F2}] inside +-{Bound[k]:G4}"));
        return States(env, rng, count, k =>
        {
            var (aLo, aHi, bHi, bLo) = bands[k];
            double above = Math.Max(0, aHi - aLo), below = Math.Max(0, bHi - bLo);
            double u = rng.NextDouble() * (above + below);
            return u < above ? aLo + u : bHi - (u - above);
        });
    }

    /// <summary>True when every velocity has room for the band inside its bound (<see cref="BandStates"/>).</summary>
    public bool HasBandRoom(double from, double width) =>
        Bands(from, width).All(HasRoom);

    private static bool HasRoom((double AboveLo, double AboveHi, double BelowHi, double BelowLo) b) =>
        Math.Max(0, b.AboveHi - b.AboveLo) + Math.Max(0, b.BelowHi - b.BelowLo) > 1e-6;

    private (double AboveLo, double AboveHi, double BelowHi, double BelowLo)[] Bands(double from, double width)
    {
        if (!(from >= 0 && width > 0)) throw new ArgumentException($"band: from must be >= 0 and width > 0, got {from} and {width}");
        var bands = new (double, double, double, double)[Names.Length];
        for (int k = 0; k < bands.Length; k++)
        {
            double span = High[k] - Low[k];
            bands[k] = (High[k] + from * span, Math.Min(Bound[k], High[k] + (from + width) * span),
                        Low[k] - from * span, Math.Max(-Bound[k], Low[k] - (from + width) * span));
        }
        return bands;
    }

    /// <summary>Observations with positions as the type's summary says and velocity k drawn by <paramref name="velocity"/>.</summary>
    private static List<float[]> States(IEnvironment env, Random rng, int count, Func<int, double> velocity)
    {
        var states = new List<float[]>(count);
        var obs = new float[env.ObservationSpace.Dimension];
        var qvel = new double[env is MujocoTask mt ? mt.Sim.Nv : 0];
        double U(double s) => (rng.NextDouble() * 2 - 1) * s;
        while (states.Count < count)
        {
            switch (env)
            {
                case Pendulum p: p.SetState(U(Math.PI), velocity(0), obs); break;
                case CartpoleSwingup c: c.SetState(U(0.5 * c.Parameters.TrackLimit), U(Math.PI), velocity(0), velocity(1), obs); break;
                case Cartpole c: c.SetState(U(0.5 * CartpoleV1.XThreshold), velocity(0), U(0.5 * CartpoleV1.ThetaThreshold), velocity(1), obs); break;
                case Reacher2D r:
                    double rad = r.Parameters.TargetRadius * Math.Sqrt(rng.NextDouble()), phi = U(Math.PI);
                    r.SetState(U(Math.PI), U(Math.PI), velocity(0), velocity(1), rad * Math.Cos(phi), rad * Math.Sin(phi), obs);
                    break;
                case MujocoTask m:
                    // Positions from the task's own initial distribution, which every training episode starts from.
                    m.Reset(rng.Next(), obs);
                    for (int k = 0; k < qvel.Length; k++) qvel[k] = velocity(k);
                    m.SetVelocities(qvel, obs);
                    break;
                default: throw new ArgumentException($"veto-eval: no state sampler for '{env.Id}'");
            }
            states.Add((float[])obs.Clone());
        }
        return states;
    }
}
