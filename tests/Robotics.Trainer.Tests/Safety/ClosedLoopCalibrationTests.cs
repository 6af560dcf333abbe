using Robotics.Core.Models;
using Robotics.Trainer.Safety;

namespace Robotics.Trainer.Tests.Safety;

/// <summary>
/// The closed-loop calibration search against a fake plant whose vetoes cascade below a threshold (as the cart-pole's
/// fallbacks during a failed swing-up do) and a fake calibrator whose threshold grows with the rounds pooled.
/// </summary>
public class ClosedLoopCalibrationTests
{
    private sealed class FakePlant(Func<double, double> vetoRateAt)
    {
        public List<(int Round, double? Threshold)> Runs { get; } = [];
        public List<IReadOnlyList<string>> Calibrations { get; } = [];

        public Task<CalibrationRound> Run(int round, RecalibrationResult? gated, CancellationToken ct)
        {
            double? t = gated?.After.VetoThreshold;
            Runs.Add((round, t));
            const long ticks = 4000;
            long vetoes = t is { } g ? (long)Math.Round(ticks * vetoRateAt(g)) : 0;   // round 0: no veto
            return Task.FromResult(new CalibrationRound(round, $"round{round}", t, ticks, vetoes));
        }

        // Each pooled round adds the states the gate steered into: the threshold rises by 0.05 per round.
        public RecalibrationResult Calibrate(IReadOnlyList<string> dirs, int round)
        {
            Calibrations.Add(dirs);
            var after = new UncertaintyCalibration { P99 = 0, Max = 0, Threshold = 0.5 + 0.05 * dirs.Count, ThresholdMethod = "fake" };
            return new RecalibrationResult($"model-round{round}.onnx", null, after, double.NaN);
        }
    }

    // 2.08% vetoed at 0.55, 1.28% at 0.6, 0.48% at 0.65, none from 0.68 up.
    private static double Cascade(double t) => Math.Max(0, (0.68 - t) * 0.16);

    [Fact]
    public async Task StopsAtTheFirstGatedRoundWithinTheTarget_KeepingTheThresholdItRanUnder()
    {
        var plant = new FakePlant(Cascade);
        var result = await ClosedLoopCalibration.RunAsync(gatedRounds: 5, targetRate: 0.005, plant.Run, plant.Calibrate);

        Assert.True(result.Verified);
        Assert.Equal([0, 1, 2, 3], result.Rounds.Select(r => r.Index));
        Assert.Equal([(0, (double?)null), (1, 0.55), (2, 0.6), (3, 0.65)],
                     plant.Runs.Select(r => (r.Round, r.Threshold is { } t ? Math.Round(t, 6) : (double?)null)));
        Assert.Equal(51, result.Rounds[2].Vetoes);   // 1.28% of 4,000: over the target
        Assert.Equal(19, result.Rounds[3].Vetoes);   // 0.48%: within it
        // No re-calibration after the verifying round: the result is the model that round ran.
        Assert.Equal(3, plant.Calibrations.Count);
        Assert.Equal("model-round2.onnx", result.Calibration.OutPath);
        Assert.Equal(0.65, result.Calibration.After.VetoThreshold, 6);
    }

    [Fact]
    public async Task PoolsEveryRoundSoFar_IntoEachCalibration()
    {
        var plant = new FakePlant(Cascade);
        await ClosedLoopCalibration.RunAsync(gatedRounds: 5, targetRate: 0.005, plant.Run, plant.Calibrate);

        Assert.Equal(["round0"], plant.Calibrations[0]);
        Assert.Equal(["round0", "round1"], plant.Calibrations[1]);
        Assert.Equal(["round0", "round1", "round2"], plant.Calibrations[2]);
    }

    [Fact]
    public async Task KeepsTheLastThreshold_Unverified_WhenNoGatedRoundKeepsToTheTarget()
    {
        var plant = new FakePlant(_ => 0.03);
        var result = await ClosedLoopCalibration.RunAsync(gatedRounds: 2, targetRate: 0.005, plant.Run, plant.Calibrate);

        Assert.False(result.Verified);
        Assert.Equal(3, result.Rounds.Count);
        Assert.Equal(["round0", "round1", "round2"], plant.Calibrations[^1]);
        Assert.Equal("model-round2.onnx", result.Calibration.OutPath);
    }

    [Fact]
    public async Task ZeroGatedRounds_CalibratesOnTheUnvetoedRoundAlone()
    {
        var plant = new FakePlant(Cascade);
        var result = await ClosedLoopCalibration.RunAsync(gatedRounds: 0, targetRate: 0.005, plant.Run, plant.Calibrate);

        Assert.False(result.Verified);
        Assert.Equal([(0, (double?)null)], plant.Runs);
        Assert.Equal("model-round0.onnx", result.Calibration.OutPath);
    }

    [Fact]
    public async Task RefusesANegativeRoundCount_AndARateOutsideTheUnitInterval()
    {
        var plant = new FakePlant(Cascade);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ClosedLoopCalibration.RunAsync(-1, 0.005, plant.Run, plant.Calibrate));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ClosedLoopCalibration.RunAsync(1, 0, plant.Run, plant.Calibrate));
        Assert.Empty(plant.Runs);
    }
}
