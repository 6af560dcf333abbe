using Robotics.Core.Episodes;
using Robotics.Core.Models;
using Robotics.Runtime.Models;
using Robotics.Sim.Environments;
using Robotics.Trainer.Safety;
using Robotics.Trainer.Tests.Support;

namespace Robotics.Trainer.Tests.Safety;

/// <summary>
/// Issue 19: the gate's disagreement is total-std end to end (graph, card, calibration), old cards (no
/// ensemble.disagreement) read as max-member-l2, `calibrate --measure` moves a model between the two, and
/// `calibrate --training-data` finds the rows training held out.
/// </summary>
public sealed class DisagreementMeasureCardTests : IClassFixture<Export.OnnxExportParityTests.SmallModel>, IDisposable
{
    private readonly Export.OnnxExportParityTests.SmallModel _m;
    private readonly string _dir = Directory.CreateTempSubdirectory("robotics-measure-").FullName;

    public DisagreementMeasureCardTests(Export.OnnxExportParityTests.SmallModel m) => _m = m;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static float[] Scores(string model, IReadOnlyList<Transition> rows)
    {
        using var w = OnnxWorldModel.Load(model, new Pendulum().ToSpec("test"));
        return UncertaintyRecalibration.Scores(w, rows);
    }

    [Fact]
    public void NewExport_WritesTotalStd_AndAnOldCardWithoutTheFieldReadsAsMaxMemberL2()
    {
        Assert.Equal(DisagreementMeasures.TotalStd, _m.Card.Ensemble!.Disagreement);
        Assert.Contains("\"disagreement\":\"total-std\"", _m.Card.ToJson());
        string old = _m.Card.ToJson().Replace(",\"disagreement\":\"total-std\"", "");
        Assert.DoesNotContain("total-std", old);
        Assert.Equal(DisagreementMeasure.MaxMemberL2, ModelCard.FromJson(old).Ensemble!.Measure);
        string bad = _m.Card.ToJson().Replace("\"total-std\"", "\"l1\"");
        Assert.Contains("ensemble.disagreement 'l1' is not a known measure", Assert.Throws<InvalidDataException>(() => ModelCard.FromJson(bad)).Message);
    }

    [Fact]
    public void CalibrateMeasure_RebuildsTheGraph_OtherOutputsUnchanged_AndBackAgainIsExact()
    {
        string data = Path.Combine(_dir, "episodes");
        EpisodeFixtures.WriteRandom(data, new Pendulum(9), episodes: 2, steps: 100, seed: 9);
        string maxPath = Path.Combine(_dir, "max.onnx"), backPath = Path.Combine(_dir, "back.onnx");

        var r = TrainerCli.Run("calibrate", "--model", _m.Path, "--data", data, "--measure", "max-member-l2", "--out", maxPath);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("measure max-member-l2", r.Stdout);
        Assert.Equal(DisagreementMeasure.MaxMemberL2, ModelFile.Read(maxPath).Card.Ensemble!.Measure);
        Assert.False(File.Exists(maxPath + ".measure.tmp"));

        var rows = EpisodeReader.ReadDirectory(data);
        float[] total = Scores(_m.Path, rows), max = Scores(maxPath, rows);
        // max over members of the member distance >= their RMS, strictly with 3 elites that disagree.
        Assert.All(total.Zip(max), p => Assert.True(p.Second >= p.First * (1 - 1e-5), $"{p.Second} < {p.First}"));
        Assert.True(max.Average() > total.Average() * 1.05);
        // The dynamics are the same graph.
        using (var a = OnnxWorldModel.Load(_m.Path, new Pendulum().ToSpec("test")))
        using (var b = OnnxWorldModel.Load(maxPath, new Pendulum().ToSpec("test")))
        {
            float[] obs = [0.1f, 0.9f, 1.5f, -1f, 0f, 0f], act = [0.5f, -2f];
            var n1 = new float[6]; var n2 = new float[6]; var r1 = new float[2]; var r2 = new float[2]; var d1 = new float[2]; var d2 = new float[2];
            a.Predict(2, obs, act, n1, r1, d1);
            b.Predict(2, obs, act, n2, r2, d2);
            Assert.Equal(n1, n2);
            Assert.Equal(r1, r2);
        }
        r = TrainerCli.Run("calibrate", "--model", maxPath, "--data", data, "--measure", "total-std", "--out", backPath);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Equal(total, Scores(backPath, rows));

        var bad = TrainerCli.Run("calibrate", "--model", _m.Path, "--data", data, "--measure", "l1", "--out", Path.Combine(_dir, "x.onnx"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("unknown disagreement measure 'l1'", bad.Stderr);
        Assert.False(File.Exists(Path.Combine(_dir, "x.onnx")));
    }

    [Fact]
    public void TrainingHeldOut_GivesBackTheValidationSplit_SoItsThresholdIsTheCards()
    {
        string train = Path.Combine(_dir, "train"), model = Path.Combine(_dir, "m", "model.onnx");
        EpisodeFixtures.WriteRandom(train, new Pendulum(4), episodes: 6, steps: 200, seed: 4);
        var r = TrainerCli.Run("train", "--algo", "pets", "--data", train, "--out", model, "--members", "3", "--elites", "2", "--hidden", "16",
                               "--layers", "2", "--epochs", "2", "--batch-size", "64", "--threads", "1", "--seed", "3");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        var card = ModelFile.Read(model).Card;
        Assert.NotNull(card.Uncertainty!.TrainingSplit);
        Assert.NotNull(card.Uncertainty.Threshold);

        var heldOut = UncertaintyRecalibration.TrainingHeldOut(card, train);
        Assert.Equal(120, heldOut.Count);
        Assert.Equal(card.Uncertainty.Threshold!.Value, ConformalThreshold.Compute(Scores(model, heldOut), 0.01), 6);

        // Pooled with new episodes in `calibrate`: the count adds up.
        string more = Path.Combine(_dir, "more");
        EpisodeFixtures.WriteRandom(more, new Pendulum(8), episodes: 1, steps: 100, seed: 8, firstId: 100);
        r = TrainerCli.Run("calibrate", "--model", model, "--data", more, "--training-data", train, "--out", Path.Combine(_dir, "pooled.onnx"));
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("calibrated on 220 transitions (120 held out of the training data)", r.Stdout);
    }
}
