using System.CommandLine;
using Robotics.Core.Cli;
using Robotics.Core.Episodes;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;
using Robotics.Sim.Environments;
using Robotics.Trainer.Cli;
using Robotics.Trainer.Data;
using Robotics.Trainer.Pets;

namespace Robotics.Trainer.Tests.Pets;

// Swaps Console.Error in the CLI test, so it runs with the other console-capturing tests, not beside them.
[Collection(Robotics.Trainer.Tests.Collection.ConsoleCollection.Name)]
public class PetsLoopTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pets-" + Guid.NewGuid().ToString("N")[..8]);
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    /// <summary>A PETS run small enough for CI: tiny ensemble, short plans, two iterations.</summary>
    private PetsOptions Small() => (new PetsOptions { EnvId = "pendulum", OutDir = _dir, Iterations = 2, EvalEpisodes = 2, Seed = 3 }) with
    {
        MinGradientSteps = 300,
        Budget = new PlannerBudget { Horizon = 10, Population = 60, Iterations = 2 },
        Ensemble = new PetsOptions { EnvId = "x", OutDir = "x" }.Ensemble with { Members = 3, Elites = 2, HiddenUnits = 32, HiddenLayers = 2, Epochs = 20 },
    };

    [Fact]
    public async Task Pets_SmallRun_WritesCurveDataAndModelsThroughTheDeploymentPath()
    {
        var log = new StringWriter();
        var results = await new PetsLoop(Small(), TimeProvider.System, log).RunAsync(default);

        Assert.Equal(2, results.Count);
        string[] csv = File.ReadAllLines(Path.Combine(_dir, "curve.csv"));
        Assert.Equal(["iteration,env_steps,eval_return_mean,eval_return_std"], csv[..1]);
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("1,400,", csv[1]);
        Assert.StartsWith("2,600,", csv[2]);
        foreach (var r in results)
        {
            Assert.True(double.IsFinite(r.EvalReturnMean) && r.EvalReturnMean <= 0 && r.EvalReturnStd >= 0);
            Assert.True(r.PlanMsMedian > 0);
        }
        byte[] png = File.ReadAllBytes(Path.Combine(_dir, "curve.png"));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);

        // Every training episode is on disk as Parquet: one random + one per iteration, 200 steps each.
        var episodes = EpisodeReader.ReadEpisodes(Path.Combine(_dir, "data"));
        Assert.Equal(3, episodes.Count);
        Assert.All(episodes, e => Assert.Equal(200, e.Length));
        // ... and says which robot it is from, so train / relabel / calibrate read it without --env.
        Assert.All(EpisodeFiles.List(Path.Combine(_dir, "data")), f => Assert.Equal("pendulum", EpisodeReader.ReadMetadata(f)[TrainingData.EnvKey]));
        Assert.Equal("pendulum", TrainingData.Load(Path.Combine(_dir, "data"), null).Environment.Id);

        // The controller was the ONNX file: it loads in the runtime against the pendulum robot.
        using var model = OnnxWorldModel.Load(results[^1].ModelPath, new Pendulum().ToSpec("check"));
        Assert.Equal(2, model.Members);
        Assert.Equal("pendulum", model.Card.EnvId);
        Assert.Contains("iteration 2:", log.ToString());
    }

    [Fact]
    public async Task Pets_RefusesAnOutputDirectoryThatAlreadyHoldsData()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "data"));
        File.WriteAllText(Path.Combine(_dir, "data", EpisodeFiles.FileName(0)), "x");
        var e = await Assert.ThrowsAsync<IOException>(() => new PetsLoop(Small(), TimeProvider.System, TextWriter.Null).RunAsync(default));
        Assert.Contains("already holds episodes", e.Message);
    }

    [Theory]
    [InlineData("--env", "moon", "unknown environment 'moon'")]
    [InlineData("--iterations", "0", "iterations must be in [1, 1000]")]
    [InlineData("--planner", "pid", "--planner must be cem, mppi, icem or mcts")]
    [InlineData("--mcts-root", "uct", "--mcts-root must be gumbel or puct")]
    [InlineData("--search", "0", "mcts: simulations must be in [1, 65536]")]
    [InlineData("--uncertainty-lambda", "-1", "uncertainty lambda must be >= 0")]
    public void PetsCommand_ExitsWith2_OnBadArguments(string option, string value, string expected)
    {
        var given = new Dictionary<string, string> { ["--env"] = "pendulum", ["--out"] = _dir, [option] = value };
        string[] args = ["pets", .. given.SelectMany(kv => new[] { kv.Key, kv.Value })];
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        int code;
        try { code = CliApp.Run(new RootCommand { PetsCommand.Create() }, args); }
        finally { Console.SetError(old); }
        Assert.Equal(2, code);
        Assert.Contains(expected, err.ToString());
    }

    [Fact]
    public void IterationLog_CountsMujocoPhysicsStepsBesideTransitions_UnderAnActionRepeat()
    {
        Assert.Equal(" (400 MuJoCo steps at action repeat 4)", PetsLoop.PhysicsSteps(EnvironmentRegistry.Create("mj-cartpole-swingup:repeat=4", 0), 100));
        Assert.Equal("", PetsLoop.PhysicsSteps(EnvironmentRegistry.Create("mj-cartpole-swingup", 0), 100));
        Assert.Equal("", PetsLoop.PhysicsSteps(EnvironmentRegistry.Create("pendulum", 0), 100));
    }

    [Fact]
    public void EpochsFor_RaisesEpochsSoSmallDataSetsGetEnoughSteps()
    {
        var o = Small();
        Assert.Equal(Math.Max(20, (300 + 6 - 1) / 6), o.EpochsFor(200));   // 180 train rows / 32 = 6 steps per epoch
        Assert.Equal(20, o.EpochsFor(100_000));
    }

    [Fact]
    public void Presets_AreValidForEveryBuiltInEnvironment_AndOnlyChangeWhatTheyName()
    {
        foreach (string id in Robotics.Sim.Environments.EnvironmentRegistry.Ids)
            PetsPresets.For(id, _dir).Validate();
        var plain = new PetsOptions { EnvId = "pendulum", OutDir = _dir };
        // Pendulum's preset only names MCTS's 5 discrete torques (-2, -1, 0, 1, 2); CEM and the ensemble are the defaults.
        Assert.Equal(plain with { Budget = plain.Budget with { Mcts = plain.Budget.Mcts with { DiscreteActions = 5 } } }, PetsPresets.For("pendulum", _dir));
        var reacher = PetsPresets.For("reacher2d", _dir);
        Assert.Equal(200, reacher.Ensemble.HiddenUnits);
        Assert.Equal(plain.Budget, reacher.Budget);
        var cartpole = PetsPresets.For("cartpole-swingup", _dir);
        Assert.Equal((400, 50), (cartpole.Budget.Population, cartpole.Budget.Horizon));
        Assert.Equal(plain.Ensemble, cartpole.Ensemble);
        var pole = PetsPresets.For("cartpole", _dir);
        Assert.Equal((20, 32, 8, 2, 5), (pole.Budget.Horizon, pole.Budget.Mcts.Simulations, pole.Budget.Mcts.Rollouts, pole.Budget.Mcts.DiscreteActions, pole.RandomEpisodes));
        Assert.Equal(plain.Ensemble, pole.Ensemble);
    }
}
