using Robotics.Core.Models;
using Robotics.Runtime.Models;
using Robotics.Runtime.Tests.Fakes;

namespace Robotics.Runtime.Tests;

public class OnnxWorldModelTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_PendulumModel_PredictsTheGraphsDynamicsForEveryMember()
    {
        string path = ModelFiles.WritePendulum(_dir.Path, ModelFiles.PendulumCard(3), members: 3, spread: 0.05);
        using var model = OnnxWorldModel.Load(path, ModelFiles.PendulumSpec(), new WorldModelOptions { MaxBatch = 64 });
        var truth = new TruePendulumModel(64, members: 3, spread: 0.05);
        var rng = new Random(1);
        const int n = 37;
        Span<float> obs = model.ObsInput(n), act = model.ActionInput(n);
        for (int p = 0; p < n; p++)
        {
            double th = (rng.NextDouble() * 2 - 1) * Math.PI;
            obs[p * 3] = (float)Math.Cos(th); obs[p * 3 + 1] = (float)Math.Sin(th); obs[p * 3 + 2] = (float)(rng.NextDouble() * 16 - 8);
            act[p] = (float)(rng.NextDouble() * 4 - 2);
        }
        obs.CopyTo(truth.ObsInput(n)); act.CopyTo(truth.ActionInput(n));
        model.Run(n);
        truth.Run(n);
        AssertClose(truth.NextObsMembers(n), model.NextObsMembers(n), 1e-4f);
        AssertClose(truth.NextObsMean(n), model.NextObsMean(n), 1e-4f);
        AssertClose(truth.Disagreement(n), model.Disagreement(n), 1e-4f);
        Assert.Equal(3, model.Members);
        Assert.Equal("cpu", model.Provider);
    }

    [Fact]
    public void Predict_MatchesRun_ForTheGatesOneRowCall()
    {
        string path = ModelFiles.WritePendulum(_dir.Path, ModelFiles.PendulumCard(3));
        using var model = OnnxWorldModel.Load(path, ModelFiles.PendulumSpec());
        float[] next = new float[3], reward = new float[1], dis = new float[1];
        model.Predict(1, [1f, 0f, 0f], [0f], next, reward, dis);
        Assert.Equal(1f, next[0], 5);   // upright at rest stays upright
        Assert.Equal(0f, next[2], 5);
        Assert.Equal(0f, reward[0], 5);
    }

    [Fact]
    public void Run_AllocatesNothing_AfterTheFirstCallForABatchSize()
    {
        string path = ModelFiles.WritePendulum(_dir.Path, ModelFiles.PendulumCard(3));
        using var model = OnnxWorldModel.Load(path, ModelFiles.PendulumSpec(), new WorldModelOptions { MaxBatch = 256 });
        model.ObsInput(256).Fill(0.5f);
        model.Run(256); model.Run(1);
        Action window = () => { for (int i = 0; i < 200; i++) { model.Run(256); model.Run(1); } };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }

    [Fact]
    public void Load_Throws_WhenTheFileIsMissing()
    {
        var e = Assert.Throws<FileNotFoundException>(() => OnnxWorldModel.Load(Path.Combine(_dir.Path, "nope.onnx"), ModelFiles.PendulumSpec()));
        Assert.Contains("nope.onnx", e.Message);
    }

    [Theory]
    [InlineData("env", "trained for env 'cartpole-swingup'")]
    [InlineData("obs-name", "observation dimension 2 is 'omega'")]
    [InlineData("act-bounds", "action 'torque' bounds")]
    [InlineData("period", "control period")]
    [InlineData("obs-dims", "observation space has 2 dimensions")]
    public void Load_NamesTheMismatch_WhenTheCardDoesNotMatchTheRobot(string change, string expected)
    {
        ModelCard card = ModelFiles.PendulumCard(3);
        card = change switch
        {
            "env" => card with { EnvId = "cartpole-swingup" },
            "obs-name" => card with { ObservationSpace = new CardSpace(["cos_theta", "sin_theta", "omega"], [-1f, -1f, -8f], [1f, 1f, 8f]) },
            "act-bounds" => card with { ActionSpace = new CardSpace(["torque"], [-3f], [3f]) },
            "period" => card with { ControlPeriodSeconds = 0.02 },
            "obs-dims" => card with { ObservationSpace = new CardSpace(["cos_theta", "sin_theta"], [-1f, -1f], [1f, 1f]) },
            _ => throw new ArgumentException(change),
        };
        string path = ModelFiles.WritePendulum(_dir.Path, card);
        var e = Assert.Throws<ModelCardMismatchException>(() => OnnxWorldModel.Load(path, ModelFiles.PendulumSpec()));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("elites", "elites must be in")]
    public void Load_ThrowsInvalidData_WhenTheCardFailsValidation(string cardJson, string expected)
    {
        if (cardJson == "elites") cardJson = (ModelFiles.PendulumCard(3) with { Ensemble = new EnsembleSection(3, 9) }).ToJson();
        string path = ModelFiles.WritePendulum(_dir.Path, cardJson);
        var e = Assert.Throws<InvalidDataException>(() => OnnxWorldModel.Load(path, ModelFiles.PendulumSpec()));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Load_Throws_WhenTheGraphHasFewerMembersThanTheCardsElites()
    {
        string path = ModelFiles.WritePendulum(_dir.Path, ModelFiles.PendulumCard(5), members: 3);
        var e = Assert.Throws<InvalidDataException>(() => OnnxWorldModel.Load(path, ModelFiles.PendulumSpec()));
        Assert.Contains("3 member outputs but the card says 5 elites", e.Message);
    }

    [Fact]
    public void Load_Throws_WhenTheFileIsNotOnnx()
    {
        string path = Path.Combine(_dir.Path, "junk.onnx");
        File.WriteAllText(path, "this is not a model");
        var e = Assert.Throws<InvalidDataException>(() => OnnxWorldModel.Load(path, null));
        Assert.Contains("not a loadable ONNX model", e.Message);
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"[{i}] expected {expected[i]}, got {actual[i]}");
    }
}
