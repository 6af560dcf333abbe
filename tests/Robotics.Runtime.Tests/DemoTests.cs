using System.CommandLine;
using System.Text.RegularExpressions;
using Robotics.Core.Cli;
using Robotics.Runtime.Cli;
using Robotics.Runtime.Demo;
using Robotics.Runtime.Models;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests;

[Collection("console")]
public class DemoTests
{
    private static (int Code, string Out, string Err) RunDemo(params string[] args)
    {
        var output = new StringWriter();
        var err = new StringWriter();
        var root = new RootCommand { DemoCommand.Create(output, () => null, TimeProvider.System) };
        TextWriter old = Console.Error;
        Console.SetError(err);
        try { return (CliApp.Run(root, ["demo", .. args]), output.ToString(), err.ToString()); }
        finally { Console.SetError(old); }
    }

    [Fact]
    public void Demo_GatePass_RunsTheSameEpisodeWithoutTheGate_ForComparison()
    {
        // Lock-step, so both runs see the same robot steps; a short budget keeps the test quick.
        string[] args = ["--no-live", "--mode", "lockstep", "--episodes", "1", "--seed", "2", "--population", "60", "--iterations", "2"];
        var on = RunDemo([.. args, "--gate", "safety"]);
        var off = RunDemo([.. args, "--gate", "pass"]);
        Assert.True(on.Code == 0 && off.Code == 0, $"exit {on.Code}/{off.Code}\n{on.Out}{on.Err}\n{off.Out}{off.Err}");
        Assert.Contains("safety gate on", on.Out);
        Assert.Contains("gate OFF (pass-through)", off.Out);
        Assert.Matches(@"return: mean -?\d+\.\d over 1 episodes", off.Out);
        Assert.Matches(@"uncertainty_veto \d+", on.Out);
        var bad = RunDemo([.. args, "--gate", "none"]);
        Assert.Equal(2, bad.Code);
        Assert.Contains("--gate must be safety or pass", bad.Err);
    }

    [Fact]
    public void Demo_RunsOneEpisodeThroughTheEmbeddedBroker_AndPrintsTheSummary()
    {
        // Real time (one 200-step episode = 10 s), a small planning budget so a busy CI machine keeps up.
        var r = RunDemo("--no-live", "--mode", "realtime", "--episodes", "1", "--seed", "3", "--population", "60", "--iterations", "2");

        void Has(string pattern) => Assert.True(Regex.IsMatch(r.Out, pattern), $"'{pattern}' not in the output:\n{r.Out}\nstderr:\n{r.Err}");
        int Number(string pattern) => int.Parse(Regex.Match(r.Out, pattern).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(r.Code == 0, $"exit {r.Code}\nstdout:\n{r.Out}\nstderr:\n{r.Err}");
        Has(@"embedded MQTT broker on 127\.0\.0\.1:\d+; virtual pendulum at mqtt://127\.0\.0\.1:\d+/demo");
        Has("model pendulum.onnx");
        // Real time: how many of the robot's 200 steps the loop commands depends on how fast this machine
        // plans (a slow plan spans several robot steps), so counts are read, not fixed.
        Has(@"episode 0: return -?\d+\.\d over \d+ steps");
        Has("summary");
        Has(@"return: mean -?\d+\.\d over 1 episodes");
        Has(@"plan time: median \d+\.\d ms, p99 \d+\.\d ms");
        Has(@"overruns: \d+ of \d+ ticks");
        // The gate decided every command, including the check-by-check counts.
        Has(@"safety: \d+ commands: ok \d+, clamped \d+, vetoed \d+, fallback \d+, estop \d+ \| checks: input_sanity \d+, estop \d+, staleness \d+, action_limits \d+, rate_limit \d+, model_output \d+, state_limits \d+, uncertainty_veto \d+");
        // Everything went over MQTT: the driver accepted the robot's states and sent one command per tick,
        // and the robot received them.
        Has(@"mqtt runtime: states \d+ accepted / 0 rejected, commands \d+ sent / \d+ dropped");
        Has(@"mqtt robot: \d+ commands received, 0 rejected");
        int steps = Number(@"episode 0: return -?\d+\.\d over (\d+) steps");
        int sent = Number(@"commands (\d+) sent"), received = Number(@"mqtt robot: (\d+) commands received");
        int decided = Number(@"safety: (\d+) commands");
        Assert.True(steps > 0, r.Out);
        // Every command the loop wrote went through the gate: one per answered step, plus the safe actions the loop
        // sent on its own (stale states, missed plan deadlines) on a loaded machine.
        int ownSafe = Number(@"safe actions sent (\d+)");
        // (+1: the state that ends the episode can be answered by a gated command the robot no longer counts as a step.)
        Assert.InRange(decided, steps, steps + ownSafe + 1);
        int dropped = Number(@"sent / (\d+) dropped");
        Assert.True(sent > 0 && sent + dropped <= decided + 1, r.Out);        // (a command superseded before the sender ran, or past its
                                                                               // ttl when the link was free, is not sent; +1: deactivation
                                                                               // sends the safe action last, outside the loop's gate)
        Assert.True(received >= sent - 1 && received <= sent, r.Out);          // and reached the robot (the last may still be in flight)
        Assert.True(Number(@"states (\d+) accepted") >= steps, r.Out);
    }

    [Fact]
    public void Demo_ExitsWith2_WhenTheModelFileIsMissing()
    {
        var r = RunDemo("--no-live", "--model", "/nonexistent/model.onnx");
        Assert.Equal(2, r.Code);
        Assert.Contains("model.onnx' does not exist", r.Err);
    }

    [Fact]
    public void Demo_ExitsWith2_OnAnUnknownPlanner()
    {
        var r = RunDemo("--no-live", "--planner", "random");
        Assert.Equal(2, r.Code);
        Assert.Contains("--planner must be cem, mppi or icem", r.Err);
    }

    [Fact]
    public void ShippedModel_CardValidatesAgainstThePendulumRobotSpec()
    {
        string path = ShippedModel.Locate();
        Assert.True(File.Exists(path), $"shipped model missing at {path}");
        Assert.True(new FileInfo(path).Length < 5_000_000, "the shipped model should stay a few MB at most");
        var spec = EnvironmentRegistry.Create("pendulum").ToSpec("r1");

        using var model = OnnxWorldModel.Load(path, spec);   // card parse + validation + graph shape checks

        model.Card.Validate();
        ModelCardCheck.EnsureMatches(model.Card, spec);
        Assert.Equal("pendulum", model.Card.EnvId);
        Assert.Equal("pets", model.Card.Algo);
        Assert.True(model.Card.Uncertainty!.P99 > 0);
        Assert.Equal(model.Card.Ensemble!.Elites, model.Members);
    }

    /// <summary>Every built-in robot ships a model (issue 19), calibrated on its controller's own episodes.</summary>
    [Theory]
    [InlineData("pendulum")]
    [InlineData("reacher2d")]
    [InlineData("cartpole-swingup")]
    public void ShippedModels_OnePerBuiltInRobot_CardMatchesItsRobot_ThresholdCalibratedInClosedLoop(string robot)
    {
        string path = Path.Combine(Path.GetDirectoryName(ShippedModel.Locate())!, robot + ".onnx");
        Assert.True(File.Exists(path), $"shipped model missing at {path}");
        var spec = EnvironmentRegistry.Create(robot).ToSpec("r1");

        using var model = OnnxWorldModel.Load(path, spec);

        ModelCardCheck.EnsureMatches(model.Card, spec);
        Assert.Equal((robot, "pets"), (model.Card.EnvId, model.Card.Algo));
        var u = model.Card.Uncertainty!;
        Assert.Equal("conformal-risk-control-ticks", u.ThresholdMethod);
        Assert.Equal(0.005, u.TargetFalseVetoRate);
        Assert.True(u.Threshold > 0 && u.CalibrationEpisodes > 0, $"{robot}: threshold {u.Threshold}, {u.CalibrationEpisodes} calibration episodes");
    }

    [Fact]
    public void Sketch_PutsTheBobAboveThePivot_WhenUpright_AndBelow_WhenHanging()
    {
        string[] up = PendulumSketch.Draw(0), down = PendulumSketch.Draw(Math.PI);
        int Row(string[] g, char c) => Array.FindIndex(g, r => r.Contains(c));
        Assert.True(Row(up, '●') < Row(up, 'o'));
        Assert.True(Row(down, '●') > Row(down, 'o'));
        Assert.Equal(PendulumSketch.AngleBar(0).IndexOf('█'), PendulumSketch.AngleBar(0).IndexOf('─') + 18);
    }
}
