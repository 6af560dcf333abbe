using Robotics.Core.Episodes;
using Robotics.Core.Models;
using Robotics.Sim.Environments;
using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Robotics.Trainer.Safety;

/// <summary>One uncertainty measure's rates on one robot, its threshold set at the target false-veto rate.</summary>
public sealed record MeasureRow(string Robot, int Seed, string Measure, double Threshold, double FalseVetoRate, double OodVetoRate);

/// <summary>
/// Which uncertainty measure separates in- from out-of-distribution best (issue 19). Per built-in robot: train a
/// small ensemble on one-step transitions from states whose velocities are within <c>InFraction</c> of the
/// observation bound (uniform positions/angles, uniform random actions); probe fresh in-region states and
/// states whose every velocity is in [<c>oodFrom</c>, <c>oodFrom</c> + 0.25) x the bound (default 0.75: far out), with random actions. Each measure,
/// over the elites' normalised mean predictions of the observation change (and their variance heads):
///   max-member-l2        max over members of the L2 distance to the members' mean (the deployed D)
///   total-std            sqrt(sum over dims of the members' variance)
///   max-dim-std          max over dims of the members' standard deviation
///   total-std+aleatoric  sqrt(sum over dims of members' variance + mean predicted variance)
///   max-dim-std+aleatoric
/// is thresholded by <see cref="ConformalThreshold"/> at the target rate on a held-out in-region sample; the rows
/// give its false-veto rate on another in-region sample and its veto rate out of distribution. Not real-time.
/// </summary>
public static class DisagreementMeasureStudy
{
    public static readonly string[] Measures = ["max-member-l2", "total-std", "max-dim-std", "total-std+aleatoric", "max-dim-std+aleatoric"];
    public const double InFraction = 0.25;

    public static IReadOnlyList<MeasureRow> Run(string robot, int seed, int transitions, int probes, EnsembleOptions ensemble,
                                                double falseVetoRate = ConformalThreshold.DefaultFalseVetoRate, double oodFrom = 0.75)
    {
        if (!(oodFrom >= InFraction && oodFrom < 0.999)) throw new ArgumentException($"measure study: OOD band start must be in [{InFraction}, 0.999), got {oodFrom}");
        var env = EnvironmentRegistry.Create(robot, seed);
        var rng = new Random(seed);
        var train = Sample(env, rng, transitions, ood: false, oodFrom);
        using var model = EnsembleTrainer.Train(train, ensemble with { Seed = seed });
        var calib = Scores(model, Sample(env, rng, probes, ood: false, oodFrom));
        var ind = Scores(model, Sample(env, rng, probes, ood: false, oodFrom));
        var ood = Scores(model, Sample(env, rng, probes, ood: true, oodFrom));
        var rows = new List<MeasureRow>();
        for (int m = 0; m < Measures.Length; m++)
        {
            double t = ConformalThreshold.Compute(calib[m], falseVetoRate);
            rows.Add(new MeasureRow(robot, seed, Measures[m], t, Rate(ind[m], t), Rate(ood[m], t)));
        }
        return rows;
    }

    private static double Rate(float[] u, double t) => u.Count(x => !(x <= t)) / (double)u.Length;

    /// <summary>[measure][row] scores of the transitions' (obs, action).</summary>
    internal static float[][] Scores(TrainedEnsemble model, IReadOnlyList<Transition> rows)
    {
        int n = rows.Count, o = model.ObsDim, a = model.ActDim;
        var x = new float[n * (o + a)];
        for (int r = 0; r < n; r++)
        {
            rows[r].Obs.CopyTo(x, r * (o + a));
            rows[r].Action.CopyTo(x, r * (o + a) + o);
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor xin = (tensor(x, [n, o + a]) - tensor(model.InputNormalizer.Mean)) / tensor(model.InputNormalizer.Std);
        var (mean, logVar) = model.Network.forward(xin.unsqueeze(0).expand(model.Members, n, -1).contiguous());
        Tensor elites = tensor(model.Elites.Select(e => (long)e).ToArray());
        Tensor mu = mean.index_select(0, elites).narrow(2, 0, o);                       // [K, n, o] normalised
        Tensor alea = logVar.index_select(0, elites).narrow(2, 0, o).exp().mean([0]);  // [n, o]
        Tensor centred = mu - mu.mean([0], keepdim: true);
        Tensor varDims = centred.square().mean([0]);                                     // [n, o]
        Tensor[] measures =
        [
            centred.square().sum(2).max(0).values.sqrt(),
            varDims.sum(1).sqrt(),
            varDims.sqrt().max(1).values,
            (varDims + alea).sum(1).sqrt(),
            (varDims + alea).sqrt().max(1).values,
        ];
        return measures.Select(t => t.contiguous().data<float>().ToArray()).ToArray();
    }

    /// <summary>One-step transitions from states in the training region (or out of it) under uniform random actions.</summary>
    internal static List<Transition> Sample(IEnvironment env, Random rng, int count, bool ood, double oodFrom)
    {
        var obs = new float[env.ObservationSpace.Dimension];
        var next = new float[obs.Length];
        var action = new float[env.ActionSpace.Dimension];
        var list = new List<Transition>(count);
        var hi = env.ObservationSpace.High;
        double U(double s) => (rng.NextDouble() * 2 - 1) * s;
        double V(double bound) => ood
            ? (oodFrom + rng.NextDouble() * (Math.Min(oodFrom + 0.25, 0.999) - oodFrom)) * bound * (rng.Next(2) == 0 ? 1 : -1)
            : U(InFraction * bound);
        while (list.Count < count)
        {
            switch (env)
            {
                case Pendulum p: p.SetState(U(Math.PI), V(hi[2]), obs); break;
                case CartpoleSwingup c: c.SetState(U(0.5 * c.Parameters.TrackLimit), U(Math.PI), V(hi[3]), V(hi[4]), obs); break;
                case Reacher2D r:
                    double rad = r.Parameters.TargetRadius * Math.Sqrt(rng.NextDouble()), phi = U(Math.PI);
                    r.SetState(U(Math.PI), U(Math.PI), V(hi[4]), V(hi[5]), rad * Math.Cos(phi), rad * Math.Sin(phi), obs);
                    break;
                default: throw new ArgumentException($"measure study: no state sampler for '{env.Id}'");
            }
            for (int i = 0; i < action.Length; i++)
                action[i] = env.ActionSpace.Low[i] + (float)rng.NextDouble() * (env.ActionSpace.High[i] - env.ActionSpace.Low[i]);
            var s = env.Step(action, next);
            list.Add(new Transition(list.Count, 0, 0, (float[])obs.Clone(), (float[])action.Clone(), s.Reward, (float[])next.Clone(),
                                    false, false, DataSource.Sim, "measure-study", false));
        }
        return list;
    }
}
