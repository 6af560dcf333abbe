using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Episodes;
using Robotics.Core.Models;
using Robotics.Sim.Environments;
using Robotics.Trainer.Tests.Support;

namespace Robotics.Trainer.Tests.Cli;

public sealed class TrainCommandTests : IDisposable
{
    private static readonly string[] Tiny = ["--members", "3", "--elites", "2", "--hidden", "16", "--layers", "2", "--epochs", "2", "--batch-size", "32", "--threads", "1"];
    private readonly string _dir = Directory.CreateTempSubdirectory("robotics-train-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Data => Path.Combine(_dir, "data");
    private string Model => Path.Combine(_dir, "out", "model.onnx");

    private TrainerCli.Result Train(params string[] extra) =>
        TrainerCli.Run(["train", "--algo", "pets", "--data", Data, "--out", Model, .. Tiny, .. extra]);

    [Fact]
    public void Train_WritesModelWithCard_AndLearningCurveNextToIt()
    {
        EpisodeFixtures.WriteRandom(Data, new Pendulum(1), episodes: 2, steps: 100, seed: 1);

        var r = Train();

        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("wrote", r.Stdout);
        using var session = new InferenceSession(Model);
        var card = ModelCard.FromJson(session.ModelMetadata.CustomMetadataMap[ModelCard.MetadataKey]);
        Assert.Equal("pendulum", card.EnvId);
        Assert.Equal(new EnsembleSection(3, 2) { Disagreement = DisagreementMeasures.TotalStd }, card.Ensemble);
        Assert.Equal(ModelKinds.EnsembleDynamics, card.Kind);
        Assert.Equal(EpisodeReader.Digest(Data), card.TrainingDataDigest);
        string[] csv = File.ReadAllLines(Path.Combine(_dir, "out", "model.learning-curve.csv"));
        Assert.Equal("epoch,train_nll,validation_mse,best_validation_mse,elapsed_s", csv[0]);
        Assert.Equal(3, csv.Length);
        byte[] png = File.ReadAllBytes(Path.Combine(_dir, "out", "model.learning-curve.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.True(png.Length > 5000, $"PNG has only {png.Length} bytes");
    }

    [Fact]
    public void Train_NamesFileAndRow_OfNaN_AndWritesNothing()
    {
        EpisodeFixtures.WriteRandom(Data, new Pendulum(1), episodes: 1, steps: 50, seed: 1);
        EpisodeFixtures.WriteRandom(Data, new Pendulum(2), episodes: 1, steps: 50, seed: 2, firstId: 1,
                                    edit: (i, t) => i == 17 ? t with { NextObs = [t.NextObs[0], float.NaN, t.NextObs[2]] } : t);

        var r = Train();

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("episode-000001.parquet row 17: next_obs [1] is NaN", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")));
    }

    [Fact]
    public void Train_Refuses_FilesOfDifferentEnvironments()
    {
        EpisodeFixtures.WriteRandom(Data, new Pendulum(1), episodes: 1, steps: 20, seed: 1);
        EpisodeFixtures.WriteRandom(Data, EnvironmentRegistry.Create("cartpole-swingup"), episodes: 1, steps: 20, seed: 1, firstId: 1);

        var r = Train();

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("episode-000001.parquet: recorded on 'cartpole-swingup' but episode-000000.parquet says 'pendulum'", r.Stderr);
        Assert.False(File.Exists(Model));
    }

    [Fact]
    public void Train_Refuses_RowsWhoseSizesDisagreeWithTheSpaces()
    {
        var env = new Pendulum();
        var rows = Enumerable.Range(0, 5).Select(i => new Transition(0, i, i * 0.05, [1f, 0f], [0f], -1f, [1f, 0f], false, false, DataSource.Sim, "r", false)).ToList();
        EpisodeFixtures.Write(Data, new Dictionary<string, string> { ["robotics.env"] = "pendulum" }, new Episode(0, rows));

        var r = Train();

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("episode-000000.parquet row 0: obs/action/next_obs have 2/1/2 values, 'pendulum' has 3/1/3", r.Stderr);
        Assert.False(File.Exists(Model));
    }

    [Fact]
    public void Train_Refuses_EmptyDirectory_AndCorruptFiles()
    {
        Directory.CreateDirectory(Data);
        var empty = Train();
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("holds no *.parquet episode files", empty.Stderr);

        File.WriteAllText(Path.Combine(Data, "episode-000000.parquet"), "this is not parquet");
        var corrupt = Train();
        Assert.Equal(2, corrupt.ExitCode);
        Assert.Contains("episode-000000.parquet", corrupt.Stderr);
        Assert.False(File.Exists(Model));
    }

    [Fact]
    public void Train_RejectsBadOptions_WithUsageError()
    {
        EpisodeFixtures.WriteRandom(Data, new Pendulum(1), episodes: 1, steps: 20, seed: 1);

        var elites = TrainerCli.Run("train", "--data", Data, "--out", Model, "--members", "3", "--elites", "9");
        var algo = TrainerCli.Run("train", "--algo", "sac", "--data", Data, "--out", Model);

        Assert.Equal(2, elites.ExitCode);
        Assert.Contains("elites must be in [1, members=3], got 9", elites.Stderr);
        Assert.Equal(2, algo.ExitCode);
        Assert.Contains("--algo 'sac' is not supported", algo.Stderr);
    }
}
