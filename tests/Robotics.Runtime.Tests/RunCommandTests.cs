using System.CommandLine;
using Microsoft.Extensions.Time.Testing;
using Robotics.Core.Cli;
using Robotics.Core.Episodes;
using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Runtime.Cli;
using Robotics.Runtime.Robots;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests;

[Collection("console")]
public class RunCommandTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err, LockstepEnvDriver Driver) Run(params string[] args)
    {
        var driver = new LockstepEnvDriver(new Pendulum(), 0) { KeepCommands = true };
        var output = new StringWriter();
        var err = new StringWriter();
        var root = new RootCommand { RunCommand.Create((_, _, _, _, _) => driver, new FakeTimeProvider(), output) };
        TextWriter old = Console.Error;
        Console.SetError(err);
        try { return (CliApp.Run(root, ["run", .. args]), output.ToString(), err.ToString(), driver); }
        finally { Console.SetError(old); }
    }

    [Fact]
    public void Run_ExitsWith2AndSendsNothing_WhenTheModelFileIsMissing()
    {
        var r = Run("--model", Path.Combine(_dir.Path, "missing.onnx"), "--realtime", "false");
        Assert.Equal(2, r.Code);
        Assert.Contains("missing.onnx' does not exist", r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.Equal(0, r.Driver.Writes);
    }

    [Fact]
    public void Run_ExitsWith2AndSendsNothing_WhenTheCardDoesNotMatchTheRobot()
    {
        string model = ModelFiles.WritePendulum(_dir.Path, ModelFiles.PendulumCard() with
        {
            ActionSpace = new CardSpace(["force"], [-2f], [2f]),
        });
        var r = Run("--model", model, "--realtime", "false");
        Assert.Equal(2, r.Code);
        Assert.Contains("action dimension 0 is 'force' but robot 'fake' has 'torque'", r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.Equal(0, r.Driver.Writes);
    }

    [Fact]
    public void Run_ExitsWith2AndSendsNothing_WhenTheCardFailsValidation()
    {
        string model = ModelFiles.WritePendulum(_dir.Path, (ModelFiles.PendulumCard() with { Uncertainty = new UncertaintyCalibration { P99 = 0.1, Max = 0.01 } }).ToJson());
        var r = Run("--model", model, "--realtime", "false");
        Assert.Equal(2, r.Code);
        Assert.Contains("uncertainty.max must be finite and >= uncertainty.p99", r.Err);
        Assert.Equal(0, r.Driver.Writes);
    }

    [Theory]
    [InlineData("--planner", "bogus", "--planner must be cem, mppi, icem or mcts")]
    [InlineData("--mcts-root", "uct", "--mcts-root must be gumbel or puct")]
    [InlineData("--search", "0", "mcts: simulations must be in [1, 65536]")]
    [InlineData("--episodes", "0", "--episodes must be >= 1")]
    [InlineData("--horizon", "0", "horizon must be in [1, 1000]")]
    [InlineData("--plan-deadline-ms", "-5", "--plan-deadline-ms must be > 0 (0: off), got -5")]
    [InlineData("--stale-after-ms", "0", "--stale-after-ms must be > 0, got 0")]
    [InlineData("--max-faults", "0", "--max-faults must be in [1, 1000000], got 0")]
    [InlineData("--latent-policy-samples", "256", "latent mppi: policy samples must be in [0, samples=256), got 256")]
    public void Run_ExitsWith2_OnBadArguments(string option, string value, string expected)
    {
        string model = ModelFiles.WritePendulum(_dir.Path, ModelFiles.PendulumCard());
        var r = Run("--model", model, option, value);
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Err);
        Assert.Equal(0, r.Driver.Writes);
    }

    [Fact]
    public void LatentBudgetFlags_ReachTheControllerOptions_DefaultIsTheRealTimeBudget()
    {
        string model = ModelFiles.WritePendulum(_dir.Path, ModelFiles.PendulumCard());
        var options = new SessionCliOptions(1, "episodes");
        var cmd = new Command("run");
        options.AddTo(cmd);
        var latent = options.Read(cmd.Parse(["--model", model, "--latent-iterations", "4", "--latent-samples", "320", "--latent-policy-samples", "20", "--latent-elites", "40"])).Controller.Latent;
        Assert.Equal((4, 320, 20, 40), (latent.Iterations, latent.Samples, latent.PolicySamples, latent.Elites));
        Assert.Equal(Robotics.Runtime.Controllers.LatentMpc.LatentMppiOptions.RealTime, options.Read(cmd.Parse(["--model", model])).Controller.Latent);
    }

    [Fact]
    public void FailSafeFlags_ReachTheLoopOptions_ZeroTurnsThePlanDeadlineOff()
    {
        string model = ModelFiles.WritePendulum(_dir.Path, ModelFiles.PendulumCard());
        var options = new SessionCliOptions(1, "episodes");
        var cmd = new Command("run");
        options.AddTo(cmd);
        var loop = options.Read(cmd.Parse(["--model", model, "--plan-deadline-ms", "0", "--stale-after-ms", "120", "--max-faults", "7"])).LoopOptions("r");
        Assert.Equal((Timeout.InfiniteTimeSpan, TimeSpan.FromMilliseconds(120), 7), (loop.PlanDeadline, loop.StaleAfter, loop.MaxConsecutiveFaults));
        var defaults = options.Read(cmd.Parse(["--model", model, "--plan-deadline-ms", "80"])).LoopOptions("r");
        Assert.Equal((TimeSpan.FromMilliseconds(80), (TimeSpan?)null, 5), (defaults.PlanDeadline, defaults.StaleAfter, defaults.MaxConsecutiveFaults));
    }

    [Fact]
    public void Connector_RejectsUnknownAddresses_WithOneLine()
    {
        var e = Assert.Throws<FormatException>(() => RobotConnector.Connect("sim:moon-lander", 0, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
        Assert.Contains("unknown simulated robot 'moon-lander'", e.Message);
        Assert.Throws<FormatException>(() => RobotConnector.Connect("ftp://x", 0, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
        Assert.Equal(DataSource.Real, RobotConnector.SourceOf("mqtt://127.0.0.1:1883/r1"));
        Assert.Equal(DataSource.Sim, RobotConnector.SourceOf("sim:pendulum"));
    }

    [Theory]
    [InlineData("cem")]
    [InlineData("mppi")]
    [InlineData("icem")]
    public void Run_DrivesTheSimulatorThroughTheGate_AndRecordsParquet(string planner)
    {
        // The fixture model is the true pendulum dynamics, so any working planner swings up.
        string model = ModelFiles.WritePendulum(_dir.Path, ModelFiles.PendulumCard(), members: 3, spread: 0.01);
        string rec = Path.Combine(_dir.Path, "rec-" + planner);
        var output = new StringWriter();
        var root = new RootCommand { RunCommand.Create(RobotConnector.Connect, TimeProvider.System, output) };
        int code = CliApp.Run(root, ["run", "--model", model, "--robot", "sim:pendulum", "--planner", planner, "--episodes", "2",
            "--realtime", "false", "--record", rec, "--population", "100", "--horizon", "15", "--iterations", "3", "--seed", "1", "--threads", "1"]);

        string text = output.ToString();
        Assert.True(code == 0, text);
        Assert.Contains("episode 0: return", text);
        Assert.Contains("episode 1: return", text);
        Assert.Contains("ms p99, overruns", text);
        Assert.Contains("safety: 200 commands", text);
        var episodes = EpisodeReader.ReadEpisodes(rec);
        Assert.Equal(2, episodes.Count);
        foreach (var e in episodes)
        {
            Assert.Equal(200, e.Length);
            Assert.All(e.Transitions, t => { Assert.Equal(DataSource.Sim, t.Source); Assert.Equal("sim-pendulum", t.RobotId); });
            float th = MathF.Atan2(e.Transitions[^1].NextObs[1], e.Transitions[^1].NextObs[0]);
            Assert.True(MathF.Abs(th) < 0.2f, $"{planner}: final angle {th}\n{text}");
        }
    }
}
