using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Models;
using Robotics.Sim.Environments;
using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Export;
using Robotics.Trainer.Models;
using Robotics.Trainer.Tests.Onnx;
using Robotics.Trainer.Tests.Support;
using Xunit.Abstractions;

namespace Robotics.Trainer.Tests.Export;

public sealed class OnnxExportParityTests : IClassFixture<OnnxExportParityTests.SmallModel>
{
    /// <summary>One tiny ensemble trained on random Pendulum data, exported once, shared by the tests.</summary>
    public sealed class SmallModel : IDisposable
    {
        public SmallModel()
        {
            var env = new Pendulum(3);
            var data = RandomRollouts.Collect(env, 400, seed: 3);
            Options = new EnsembleOptions { Members = 4, Elites = 3, HiddenUnits = 16, HiddenLayers = 2, Epochs = 3, BatchSize = 32, Seed = 5, Threads = 1 };
            Model = EnsembleTrainer.Train(data, Options);
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"robotics-export-{Guid.NewGuid():N}.onnx");
            Card = OnnxExporter.Export(Model, ModelCardInputs.From(env, new string('a', 64)), Path);
        }

        public EnsembleOptions Options { get; }
        public TrainedEnsemble Model { get; }
        public string Path { get; }
        public ModelCard Card { get; }

        public void Dispose()
        {
            Model.Dispose();
            File.Delete(Path);
        }
    }

    private readonly SmallModel _m;
    private readonly ITestOutputHelper _output;

    public OnnxExportParityTests(SmallModel m, ITestOutputHelper output)
    {
        _m = m;
        _output = output;
    }

    [Fact]
    public void ExportedModel_MatchesTorchForward_OnRandomInputs()
    {
        const int n = 257;
        var rng = new Random(11);
        float[] obs = Enumerable.Range(0, n * 3).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        float[] act = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();

        EnsemblePrediction torchOut = _m.Model.Predict(obs, act, n);
        var ort = OrtRunner.Run(File.ReadAllBytes(_m.Path), ("obs", obs, [n, 3]), ("action", act, [n, 1]));

        Assert.Equal([n, 3L], ort["next_obs"].Shape);
        Assert.Equal([(long)n], ort["reward"].Shape);
        Assert.Equal([3L, n, 3L], ort["next_obs_members"].Shape);
        Assert.Equal([(long)n], ort["disagreement"].Shape);
        double worst = new[] { (torchOut.NextObs, ort["next_obs"].Data), (torchOut.Reward, ort["reward"].Data),
                                (torchOut.NextObsMembers, ort["next_obs_members"].Data), (torchOut.Disagreement, ort["disagreement"].Data) }
            .Max(p => p.Item1.Zip(p.Item2, (a, b) => Math.Abs(a - b) / Math.Max(Math.Abs(a), 1e-2)).Max());
        _output.WriteLine($"max relative error (floor 1e-2): {worst:E2}");
        AssertClose("next_obs", torchOut.NextObs, ort["next_obs"].Data);
        AssertClose("reward", torchOut.Reward, ort["reward"].Data);
        AssertClose("next_obs_members", torchOut.NextObsMembers, ort["next_obs_members"].Data);
        AssertClose("disagreement", torchOut.Disagreement, ort["disagreement"].Data);
    }

    [Fact]
    public void ExportedModel_CarriesValidCard_WithCalibratedDisagreement()
    {
        using var session = new InferenceSession(_m.Path);
        var card = ModelCard.FromJson(session.ModelMetadata.CustomMetadataMap[ModelCard.MetadataKey]);

        Assert.Equal("pendulum", card.EnvId);
        Assert.Equal(["cos_theta", "sin_theta", "theta_dot"], card.ObservationSpace.Names);
        Assert.Equal([2f], card.ActionSpace.High);
        Assert.Equal(0.05, card.ControlPeriodSeconds, 12);
        Assert.Equal(new EnsembleSection(4, 3) { Disagreement = DisagreementMeasures.TotalStd }, card.Ensemble);
        Assert.Equal("pendulum", card.TaskCost?.Task);
        Assert.Equal(400, card.TrainingTransitions);
        Assert.Equal(_m.Model.ValidationMse, card.Metrics["validation_mse"]);
        Assert.True(card.Uncertainty!.P99 > 0 && card.Uncertainty.P99 <= card.Uncertainty.Max);
        Assert.Equal(_m.Model.DisagreementMax, card.Uncertainty.Max);
        Assert.Equal(["obs", "action"], session.InputMetadata.Keys);
        Assert.Equal(["next_obs", "reward", "next_obs_members", "disagreement"], session.OutputMetadata.Keys);
    }

    [Fact]
    public void ExportedModel_LoadsInTheRuntimesWorldModel_WithMatchingPredictions()
    {
        const int n = 8;
        var rng = new Random(2);
        float[] obs = Enumerable.Range(0, n * 3).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] act = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var expected = _m.Model.Predict(obs, act, n);

        using var runtimeModel = Robotics.Runtime.Models.OnnxWorldModel.Load(_m.Path, new Pendulum().ToSpec("test"));
        var next = new float[n * 3];
        var reward = new float[n];
        var disagreement = new float[n];
        runtimeModel.Predict(n, obs, act, next, reward, disagreement);

        Assert.Equal(3, runtimeModel.Members);
        AssertClose("next_obs", expected.NextObs, next);
        AssertClose("reward", expected.Reward, reward);
        AssertClose("disagreement", expected.Disagreement, disagreement);
    }

    [Fact]
    public void ExportedModel_PassesPythonOnnxFullCheck()
    {
        Assert.Equal("ok 8 17", PythonOnnxChecker.Check(_m.Path));
    }

    /// <summary>Relative tolerance 1e-4, with an absolute floor for values near zero.</summary>
    internal static void AssertClose(string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tol = 1e-4 * Math.Max(Math.Abs(expected[i]), 1e-2);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"{what}[{i}]: torch {expected[i]}, onnx {actual[i]}");
        }
    }
}
