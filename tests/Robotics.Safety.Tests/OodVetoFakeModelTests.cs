using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Safety.Diagnostics;
using Robotics.Safety.Tests.Fakes;

namespace Robotics.Safety.Tests;

/// <summary>
/// The out-of-distribution criterion with a fake ensemble whose disagreement grows with |theta_dot| (as a
/// model trained on |theta_dot| &lt; 2 does), calibrated like the trainer calibrates: p99 of D on
/// in-distribution samples. The real-model measurement is in the trainer (safety-ood).
/// </summary>
public class OodVetoFakeModelTests
{
    private static float FakeD(ReadOnlySpan<float> o, ReadOnlySpan<float> a) =>
        (0.05f + 0.05f * o[2] * o[2]) * (1f + 0.15f * MathF.Abs(a[0]));

    private static List<float[]> PendulumStates(int n, float minAbsThdot, float maxAbsThdot, int seed)
    {
        var rng = new Random(seed);
        var states = new List<float[]>(n);
        for (int i = 0; i < n; i++)
        {
            double th = (rng.NextDouble() * 2 - 1) * Math.PI;
            float speed = minAbsThdot + (float)rng.NextDouble() * (maxAbsThdot - minAbsThdot);
            states.Add([(float)Math.Cos(th), (float)Math.Sin(th), rng.Next(2) == 0 ? speed : -speed]);
        }
        return states;
    }

    [Fact]
    public void Gate_VetoesMostRandomActionsOutOfDistribution_AndFewInDistribution()
    {
        // Calibrate on held-out in-distribution samples, as the trainer does on its validation split.
        var calib = new Random(1);
        var ds = PendulumStates(4000, 0f, 2f, seed: 2)
            .Select(s => FakeD(s, [(float)(calib.NextDouble() * 4 - 2)])).Order().ToArray();
        double p99 = ds[(int)(0.99 * (ds.Length - 1))];
        var model = new FakeEnsembleModel(3, 1, p99, static (o, a, next) => { o.CopyTo(next); return FakeD(o, a); });
        var spec = GateHarness.PendulumSpec();
        var options = new SafetyGateOptions();

        var ood = VetoRateProbe.Measure(spec, model, options, PendulumStates(500, 6.0001f, 8f, seed: 3), 4, seed: 4);
        var ind = VetoRateProbe.Measure(spec, model, options, PendulumStates(500, 0f, 2f, seed: 5), 4, seed: 6);

        Assert.True(ood.Rate >= 0.95, $"OOD {ood}");
        Assert.True(ind.Rate < 0.02, $"in-distribution {ind}");
        Assert.Equal((float)p99, ood.Threshold);
    }

    [Fact]
    public void Probe_RejectsStatesOutsideObservationSpace()
    {
        var model = FakeEnsembleModel.ActionMagnitude(3, 1, 1.0);
        var e = Assert.Throws<InvalidOperationException>(() =>
            VetoRateProbe.Measure(GateHarness.PendulumSpec(), model, new SafetyGateOptions(), [[1f, 0f, 20f]], 2, seed: 0));
        Assert.Contains("observation space", e.Message);
    }
}
