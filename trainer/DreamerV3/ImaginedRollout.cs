using System.Globalization;
using System.Text;
using Robotics.Sim.Environments;
using Robotics.Trainer.Pets;
using Robotics.Trainer.TdMpc2;
using static TorchSharp.torch;

namespace Robotics.Trainer.DreamerV3;

/// <summary>
/// The world model's open-loop predictions against one real evaluation episode (the paper's video predictions, for
/// vectors): the posterior filters the first <see cref="ContextSteps"/> real observations, then the prior alone
/// predicts the next <see cref="OpenLoopSteps"/> observations (decoded, symexp) given the actions the policy really
/// took. Written as CSV (step, real and imagined per dimension) and a PNG (real solid, imagined dashed, per dimension).
/// </summary>
internal static class ImaginedRollout
{
    public const int ContextSteps = 15, OpenLoopSteps = 60;

    /// <summary>Not real-time. Returns the mean absolute error of the open-loop prediction per dimension.</summary>
    public static double[] Write(WorldModel wm, DreamerV3Agent agent, IEnvironment env, DreamerV3Options o, string png, string csv)
    {
        int od = env.ObservationSpace.Dimension, ad = env.ActionSpace.Dimension;
        var scaler = new ActionScaler(env.ActionSpace);
        var obs = new List<float[]>();
        var acts = new List<float[]>();
        float[] x = new float[od], unit = new float[ad], envAction = new float[ad];
        env.Reset(PetsLoop.EvalSeedBase(o.Seed), x);
        agent.BeginEpisode();
        obs.Add((float[])x.Clone());
        for (int t = 0; t < Math.Min(env.MaxEpisodeSteps, ContextSteps + OpenLoopSteps); t++)
        {
            agent.Act(x, unit, deterministic: true);
            acts.Add((float[])unit.Clone());
            scaler.ToEnv(unit, envAction);
            bool done = env.Step(envAction, x).Done;
            obs.Add((float[])x.Clone());
            if (done) break;
        }
        int ctx = Math.Min(ContextSteps, obs.Count - 1), total = obs.Count;
        var predicted = new float[total][];
        using (no_grad())
        using (NewDisposeScope())
        {
            // Posterior over the context: obs_0..obs_ctx-1 with the actions that led to them.
            var o0 = tensor(obs.Take(ctx).SelectMany(v => v).ToArray(), [ctx, 1, od]);
            var prev = tensor(Enumerable.Range(0, ctx).SelectMany(t => t == 0 ? new float[ad] : acts[t - 1]).ToArray(), [ctx, 1, ad]);
            var first = tensor(Enumerable.Range(0, ctx).Select(t => t == 0 ? 1f : 0f).ToArray(), [ctx, 1]);
            ObservedStates s = wm.Observe(o0, prev, first, full(ctx, 1, wm.O.Stoch, 0.5f));
            Tensor feat = s.Features.squeeze(1);
            Tensor recon = TwoHot.Symexp(wm.Decoder.forward(feat));
            for (int t = 0; t < ctx; t++) predicted[t] = recon[t].data<float>().ToArray();
            Tensor deter = s.Deter[ctx - 1], stoch = s.Stoch[ctx - 1];
            for (int t = ctx; t < total; t++)
            {
                deter = wm.Rssm.Core(deter, stoch, tensor(acts[t - 1], [1, ad]));
                stoch = wm.Rssm.Sample(wm.Rssm.Probs(wm.Rssm.PriorLogits(deter)), full(1, wm.O.Stoch, 0.5f));
                predicted[t] = TwoHot.Symexp(wm.Decoder.forward(cat([deter, stoch], -1)))[0].data<float>().ToArray();
            }
        }

        var mae = new double[od];
        var sb = new StringBuilder("step,phase," + string.Join(",", env.ObservationSpace.Names.SelectMany(n => new[] { "real_" + n, "imagined_" + n })) + "\n");
        for (int t = 0; t < total; t++)
        {
            sb.Append(t.ToString(CultureInfo.InvariantCulture)).Append(t < ctx ? ",posterior" : ",open-loop");
            for (int d = 0; d < od; d++)
            {
                sb.Append(',').Append(obs[t][d].ToString("G6", CultureInfo.InvariantCulture)).Append(',').Append(predicted[t][d].ToString("G6", CultureInfo.InvariantCulture));
                if (t >= ctx) mae[d] += Math.Abs(obs[t][d] - predicted[t][d]) / (total - ctx);
            }
            sb.Append('\n');
        }
        File.WriteAllText(csv, sb.ToString());

        var plot = new ScottPlot.Plot();
        double[] steps = [.. Enumerable.Range(0, total).Select(t => (double)t)];
        for (int d = 0; d < od; d++)
        {
            string name = env.ObservationSpace.Names[d];
            var real = plot.Add.Scatter(steps, [.. obs.Select(v => (double)v[d])]);
            real.LegendText = "real " + name;
            var imag = plot.Add.Scatter(steps, [.. predicted.Select(v => (double)v[d])]);
            imag.LegendText = string.Create(CultureInfo.InvariantCulture, $"imagined {name} (open-loop MAE {mae[d]:G3})");
            imag.LinePattern = ScottPlot.LinePattern.Dashed;
            imag.Color = real.Color;
        }
        var line = plot.Add.VerticalLine(ctx - 0.5);
        line.LinePattern = ScottPlot.LinePattern.Dotted;
        plot.Title($"DreamerV3 on {env.Id}: posterior for {ctx} steps, then the prior open-loop on the real actions");
        plot.XLabel("step");
        plot.ShowLegend();
        plot.SavePng(png, 1000, 560);
        return mae;
    }
}
