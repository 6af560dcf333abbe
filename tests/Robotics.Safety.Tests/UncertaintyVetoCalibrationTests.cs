using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Safety.Checks;
using Robotics.Safety.Tests.Fakes;
using static Robotics.Safety.Tests.GateHarness;

namespace Robotics.Safety.Tests;

/// <summary>The veto's threshold calibrated on ticks with the hysteresis replayed (<see cref="UncertaintyVetoCalibration"/>).</summary>
public class UncertaintyVetoCalibrationTests
{
    private static readonly UncertaintyVetoOptions NoHysteresis = new(ExitFraction: 1, MinVetoTicks: 1);
    private static readonly UncertaintyVetoOptions GateDefault = new();

    /// <summary>Episodes of scores where an excursion above the typical level lasts several ticks and decays (as a swing does).</summary>
    private static List<float[]> Bursty(int episodes, int ticks, int seed)
    {
        var rng = new Random(seed);
        var list = new List<float[]>();
        for (int e = 0; e < episodes; e++)
        {
            var u = new float[ticks];
            float excess = 0;
            for (int t = 0; t < ticks; t++)
            {
                if (rng.NextDouble() < 0.01) excess = (float)(0.5 + rng.NextDouble());
                u[t] = (float)(0.1 + 0.05 * rng.NextDouble()) + excess;
                excess *= 0.7f;
            }
            list.Add(u);
        }
        return list;
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.05)]
    public void WithoutHysteresis_TheTickThreshold_IsTheSplitConformalThreshold(double rate)
    {
        var sequences = Bursty(10, 200, seed: 1);
        var ticks = UncertaintyVetoCalibration.Compute(sequences, rate, NoHysteresis);
        Assert.Equal(ConformalThreshold.Compute(sequences.SelectMany(s => s).ToArray(), rate), ticks.Threshold);
        Assert.Equal(2000, ticks.Ticks);
        Assert.Equal(10, ticks.Sequences);
    }

    [Fact]
    public void WithHysteresis_ReplayedVetoes_StayWithinTheConformalBudget_AndTheThresholdRises()
    {
        var sequences = Bursty(10, 200, seed: 2);
        const double rate = 0.01;
        var ticks = UncertaintyVetoCalibration.Compute(sequences, rate, GateDefault);
        double perTransition = ConformalThreshold.Compute(sequences.SelectMany(s => s).ToArray(), rate);

        Assert.True((ticks.VetoedTicks + 1) / (double)(ticks.Ticks + 1) <= rate, $"{ticks.VetoedTicks} of {ticks.Ticks}");
        Assert.Equal(ticks.VetoedTicks, UncertaintyVetoCalibration.VetoedTicks(sequences, (float)ticks.Threshold, GateDefault));
        // At the per-transition threshold the hysteresis stretches each excursion and the tick budget is overrun.
        long atPerTransition = UncertaintyVetoCalibration.VetoedTicks(sequences, (float)perTransition, GateDefault);
        Assert.True((atPerTransition + 1) / (double)(ticks.Ticks + 1) > rate, $"{atPerTransition} ticks at the per-transition threshold");
        Assert.True(ticks.Threshold > perTransition);
    }

    [Fact]
    public void Replay_CountsTheTicksTheGateVetoes_WithAFakeModel()
    {
        // D = |action|: each proposal carries its score; the gate's own hysteresis decides, candidates or not.
        var sequences = Bursty(3, 120, seed: 3);
        const float threshold = 0.3f;
        var h = new GateHarness(new SafetyGateOptions(), FakeEnsembleModel.ActionMagnitude(3, 1, p99: threshold));
        long gateVetoes = 0;
        foreach (float[] sequence in sequences)
        {
            h.Gate.Reset();
            var before = h.Gate.Snapshot();
            foreach (float u in sequence) h.Tick(Obs(), [u], candidates: [0.05f]);
            gateVetoes += h.Gate.Snapshot().Since(before)[SafetyCheck.UncertaintyVeto];
        }
        Assert.True(gateVetoes > 0);
        Assert.Equal(gateVetoes, UncertaintyVetoCalibration.VetoedTicks(sequences, threshold, GateDefault));
    }

    [Fact]
    public void Compute_Refuses_TooFewTicks_BadRate_AndNonFiniteScores()
    {
        var few = Assert.Throws<ArgumentException>(() => UncertaintyVetoCalibration.Compute([new float[30], new float[20]], 0.01, GateDefault));
        Assert.Equal("50 calibration ticks are too few for a false-veto rate of 0.01: need at least 99", few.Message);
        Assert.Contains("false-veto rate must be in (0, 1)",
                        Assert.Throws<ArgumentException>(() => UncertaintyVetoCalibration.Compute([new float[500]], 1, GateDefault)).Message);
        float[] nan = [.. Enumerable.Repeat(0.1f, 200), float.NaN];
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => UncertaintyVetoCalibration.Compute([nan], 0.05, GateDefault)).Message);
    }

    [Fact]
    public void Gate_WritesTheProposalItJudged_IntoTheCommand_WhenItSendsAReplacement()
    {
        var h = new GateHarness(new SafetyGateOptions { Uncertainty = NoHysteresis }, FakeEnsembleModel.ActionMagnitude(3, 1, p99: 1.0));
        var sent = h.Tick(Obs(), [3.5f], candidates: [0.4f]);      // clamped to the box's 2, then vetoed (D = 2)
        Assert.Equal(SafetyDecision.Vetoed, sent.Safety);
        Assert.Equal([0.4f], h.Command.Action);
        Assert.Equal([2f], h.Command.Proposed);
        h.Tick(Obs(), [0.3f]);
        Assert.Equal([0.3f], h.Command.Proposed);
        h.Gate.SendSafeAction(h.State, [0f], h.Command);
        Assert.Equal([0f], h.Command.Proposed);
    }

    [Theory]
    [InlineData(0.005, 2, 4000)]
    [InlineData(0.01, 2, 2000)]
    [InlineData(0.01, 1, 1000)]
    public void RecommendedTicks_HoldTenMinimumLengthVetoesAtTheTargetRate(double rate, int minTicks, long expected) =>
        Assert.Equal(expected, UncertaintyVetoCalibration.RecommendedTicks(rate, new UncertaintyVetoOptions(MinVetoTicks: minTicks)));
}
