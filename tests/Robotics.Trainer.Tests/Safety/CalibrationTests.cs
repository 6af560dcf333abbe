using Robotics.Core.Episodes;
using Robotics.Core.Models;
using Robotics.Runtime.Models;
using Robotics.Safety.Checks;
using Robotics.Sim.Environments;
using Robotics.Trainer.Export;
using Robotics.Trainer.Safety;
using Robotics.Trainer.Tests.Support;

namespace Robotics.Trainer.Tests.Safety;

/// <summary>The split-conformal threshold on synthetic scores.</summary>
public class ConformalThresholdTests
{
    internal static float[] LogNormal(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            return (float)Math.Exp(0.6 * z - 2);
        }).ToArray();
    }

    [Theory]
    [InlineData(0.05, 191)]   // ceil(201 x 0.95) = 191
    [InlineData(0.01, 199)]   // ceil(201 x 0.99) = 199
    [InlineData(0.5, 101)]    // ceil(201 x 0.5) = 101
    public void Threshold_IsTheCeilRankedScore(double rate, float expected)
    {
        var scores = Enumerable.Range(1, 200).Select(i => (float)i).OrderBy(i => (i * 7919) % 200).ToArray();
        Assert.Equal(expected, ConformalThreshold.Compute(scores, rate));
    }

    [Theory]
    [InlineData(0.01, 0.006)]
    [InlineData(0.05, 0.015)]
    public void FalseVetoRate_HoldsOnHeldOutData_WithinTolerance(double rate, double tolerance)
    {
        double threshold = ConformalThreshold.Compute(LogNormal(1000, seed: 1), rate);
        float[] fresh = LogNormal(20000, seed: 2);
        double measured = fresh.Count(u => u > threshold) / (double)fresh.Length;
        Assert.InRange(measured, rate - tolerance, rate + tolerance);
    }

    [Fact]
    public void Threshold_IsAboveP99OfSmallSplit_AtOnePercent()
    {
        // The old rule (p99 of 160 validation transitions) sits below the conformal threshold, which at n = 160
        // is the largest score: on fresh data p99-of-160 vetoes more than 1% on average, the conformal one at most 1%.
        float[] small = LogNormal(160, seed: 3);
        var cal = ConformalThreshold.Calibrate(small, 0.01, "synthetic");
        Assert.Equal(cal.Max, cal.Threshold);
        Assert.True(cal.Threshold > cal.P99);
    }

    [Fact]
    public void Compute_Refuses_TooFewScores_BadRate_AndNonFiniteScores()
    {
        var few = Assert.Throws<ArgumentException>(() => ConformalThreshold.Compute(new float[50], 0.01));
        Assert.Equal("50 held-out transitions are too few for a false-veto rate of 0.01: need at least 99", few.Message);
        Assert.Contains("false-veto rate must be in (0, 1)", Assert.Throws<ArgumentException>(() => ConformalThreshold.Compute(new float[500], 0)).Message);
        var nan = Enumerable.Repeat(0.1f, 200).Append(float.NaN).ToArray();
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => ConformalThreshold.Compute(nan, 0.05)).Message);
    }
}

/// <summary>`robotics-train calibrate` and the code under it, on a tiny exported pendulum model.</summary>
public sealed class RecalibrationTests : IClassFixture<Export.OnnxExportParityTests.SmallModel>, IDisposable
{
    private readonly Export.OnnxExportParityTests.SmallModel _m;
    private readonly string _dir = Directory.CreateTempSubdirectory("robotics-calibrate-").FullName;

    public RecalibrationTests(Export.OnnxExportParityTests.SmallModel m) => _m = m;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Data => Path.Combine(_dir, "episodes");
    private string Out => Path.Combine(_dir, "recalibrated.onnx");

    [Fact]
    public void Calibrate_PerTransition_WritesSplitConformalThresholdOfTheNewData_AndKeepsTheGraph()
    {
        EpisodeFixtures.WriteRandom(Data, new Pendulum(7), episodes: 4, steps: 100, seed: 7);

        var r = TrainerCli.Run("calibrate", "--model", _m.Path, "--data", Data, "--false-veto-rate", "0.02", "--per-transition", "--out", Out);

        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("calibrated on 400 transitions", r.Stdout);
        var card = ModelFile.Read(Out).Card;
        var u = card.Uncertainty!;
        Assert.Equal("split-conformal", u.ThresholdMethod);
        Assert.Null(u.Hysteresis);
        Assert.Equal(0.02, u.TargetFalseVetoRate);
        Assert.Equal(400, u.CalibrationTransitions);
        Assert.Contains(EpisodeReader.Digest(Data)[..16], u.CalibrationData);
        Assert.Equal((_m.Card with { Uncertainty = null }).ToJson(), (card with { Uncertainty = null }).ToJson());

        using var model = OnnxWorldModel.Load(Out, new Pendulum().ToSpec("test"));
        float[] scores = UncertaintyRecalibration.Scores(model, EpisodeReader.ReadDirectory(Data));
        Assert.Equal(ConformalThreshold.Compute(scores, 0.02), u.Threshold!.Value, 6);
        Assert.True(scores.Count(s => s > u.Threshold) <= 0.02 * scores.Length);
        // The graph is untouched: the recalibrated file predicts what the original does.
        using var original = OnnxWorldModel.Load(_m.Path, new Pendulum().ToSpec("test"));
        Assert.Equal(scores, UncertaintyRecalibration.Scores(original, EpisodeReader.ReadDirectory(Data)));
        // The gate now uses the new threshold.
        var gate = Robotics.Safety.SafetyGate.Create(new Pendulum().ToSpec("test"), model);
        Assert.Equal((float)u.Threshold.Value, gate.UncertaintyThreshold);
    }

    [Fact]
    public void Calibrate_ByDefault_SetsTheTickThreshold_WithTheGatesHysteresisReplayed_IntoTheCard()
    {
        EpisodeFixtures.WriteRandom(Data, new Pendulum(7), episodes: 4, steps: 100, seed: 7);

        var r = TrainerCli.Run("calibrate", "--model", _m.Path, "--data", Data, "--false-veto-rate", "0.02", "--out", Out);

        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("replayed with the hysteresis (exit 0.9, at least 2 ticks)", r.Stdout);
        var u = ModelFile.Read(Out).Card.Uncertainty!;
        Assert.Equal(UncertaintyVetoCalibration.Method, u.ThresholdMethod);
        Assert.Equal(0.9, u.Hysteresis!.ExitFraction);
        Assert.Equal(2, u.Hysteresis.MinVetoTicks);
        Assert.Equal(0.02, u.TargetFalseVetoRate);
        Assert.Equal(400, u.CalibrationTransitions);
        Assert.Equal(4, u.CalibrationEpisodes);
        // 400 ticks hold fewer than 10 two-tick vetoes at 2% (needs 1,000): calibrate says so.
        Assert.Contains("fewer than 10 minimum-length vetoes", r.Stdout);

        // The written threshold is the tick calibration of the episodes' judged proposals (here: the recorded actions).
        using var model = OnnxWorldModel.Load(Out, new Pendulum().ToSpec("test"));
        var perEpisode = EpisodeReader.ReadEpisodes(Data).Select(e => UncertaintyRecalibration.Scores(model, e.Transitions, judged: true)).ToList();
        var expected = UncertaintyVetoCalibration.Compute(perEpisode, 0.02, new UncertaintyVetoOptions());
        Assert.Equal(expected.Threshold, u.Threshold!.Value, 6);
        // The replayed gate vetoes at most the conformal budget of the calibration ticks, and the tick threshold is at
        // least the per-transition one (the hysteresis only adds vetoed ticks).
        long vetoed = UncertaintyVetoCalibration.VetoedTicks(perEpisode, (float)u.Threshold.Value, new UncertaintyVetoOptions());
        Assert.True((vetoed + 1) / 401.0 <= 0.02, $"{vetoed} of 400 ticks vetoed in replay");
        Assert.True(u.Threshold.Value >= ConformalThreshold.Compute([.. perEpisode.SelectMany(s => s)], 0.02));
    }

    [Fact]
    public void Card_RoundTrips_CalibrationSection()
    {
        var card = _m.Card with
        {
            Uncertainty = ConformalThreshold.Calibrate(ConformalThresholdTests.LogNormal(300, seed: 4), 0.02, "synthetic, 300 transitions"),
        };
        var back = ModelCard.FromJson(card.ToJson());
        Assert.Equal(card.Uncertainty!.Threshold, back.Uncertainty!.Threshold);
        Assert.Equal("split-conformal", back.Uncertainty.ThresholdMethod);
        Assert.Equal(0.02, back.Uncertainty.TargetFalseVetoRate);
        Assert.Equal(300, back.Uncertainty.CalibrationTransitions);
        Assert.Equal("synthetic, 300 transitions", back.Uncertainty.CalibrationData);
        Assert.Equal(card.Uncertainty.Threshold, back.Uncertainty.VetoThreshold);
        Assert.Contains("\"threshold_method\":\"split-conformal\"", card.ToJson());
    }

    [Fact]
    public void Card_Refuses_ThresholdWithoutMethod_OrRateOutOfRange()
    {
        var bad = _m.Card with { Uncertainty = new UncertaintyCalibration { P99 = 1, Max = 2, Threshold = 1.5 } };
        Assert.Contains("threshold_method", Assert.Throws<InvalidDataException>(() => ModelCard.FromJson(bad.ToJson())).Message);
        var rate = _m.Card with
        {
            Uncertainty = new UncertaintyCalibration { P99 = 1, Max = 2, Threshold = 1.5, ThresholdMethod = "split-conformal", TargetFalseVetoRate = 1.5 },
        };
        Assert.Contains("target_false_veto_rate", Assert.Throws<InvalidDataException>(() => ModelCard.FromJson(rate.ToJson())).Message);
    }
    [Fact]
    public void Calibrate_OneLineErrors_ForBadInput()
    {
        EpisodeFixtures.WriteRandom(Data, new Pendulum(7), episodes: 1, steps: 50, seed: 7);
        string cartpole = Path.Combine(_dir, "cartpole");
        EpisodeFixtures.WriteRandom(cartpole, new CartpoleSwingup(1), episodes: 2, steps: 100, seed: 1);

        void Fails(string expected, params string[] args)
        {
            var r = TrainerCli.Run(["calibrate", .. args]);
            Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Stderr}{r.Stdout}");
            Assert.Contains(expected, r.Stderr);
            Assert.Single(r.Stderr.Trim().Split('\n'));
        }
        Fails("is not a folder", "--model", _m.Path, "--data", Path.Combine(_dir, "missing"));
        Fails("50 held-out transitions are too few for a false-veto rate of 0.01: need at least 99", "--model", _m.Path, "--data", Data);
        Fails("--false-veto-rate must be in (0, 1)", "--model", _m.Path, "--data", Data, "--false-veto-rate", "0");
        Fails("does not exist", "--model", Path.Combine(_dir, "nope.onnx"), "--data", Data);
        Fails("--data has 5-d observations", "--model", _m.Path, "--data", cartpole);
        Assert.False(File.Exists(Out));
    }

    [Fact]
    public void HeldOutRate_IsNearTarget_OnExchangeableEpisodes()
    {
        var rng = new Random(5);
        var episodes = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, 200).Select(_ => (float)rng.NextDouble()).ToArray()).ToList();
        Assert.InRange(UncertaintyRecalibration.HeldOutRate(episodes, 0.05), 0.035, 0.065);
        Assert.True(double.IsNaN(UncertaintyRecalibration.HeldOutRate(episodes.Take(1).ToList(), 0.05)));
    }
}
