using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Sim.Environments;
using Robotics.Trainer.Pets;
using Robotics.Trainer.Tests.Support;

namespace Robotics.Trainer.Tests.DreamerV3;

/// <summary>robotics-train dreamerv3 as a user runs it: a small end-to-end run whose model the runtime deploys, and bad input refused.</summary>
public sealed class DreamerV3CommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dreamer-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void SmallRun_WritesCurvesImaginationAndARecurrentPolicyTheRuntimeLoads()
    {
        string dir = Path.Combine(_root, "run");
        var clock = Stopwatch.StartNew();
        var r = TrainerCli.Run("dreamerv3", "--env", "pendulum-pos", "--steps", "260", "--seed-steps", "200", "--eval-every", "130",
                               "--eval-episodes", "1", "--batch", "4", "--seq-len", "16", "--train-every", "2", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"took {clock.Elapsed}");
        string[] lines = File.ReadAllLines(Path.Combine(dir, "curve.csv"));
        Assert.Equal(PetsCurve.Header, lines[0]);
        Assert.Equal(3, lines.Length);
        string[] last = lines[2].Split(',');
        Assert.Equal("260", last[1]);
        Assert.InRange(double.Parse(last[2], CultureInfo.InvariantCulture), -2000, 0);
        foreach (string png in new[] { "curve.png", "imagination.png" }) Assert.True(new FileInfo(Path.Combine(dir, png)).Length > 1000, png);
        Assert.Contains("open-loop", File.ReadAllText(Path.Combine(dir, "imagination.csv")));

        var model = ModelFile.Read(Path.Combine(dir, "model", "policy.onnx"));
        Assert.Equal(ModelKinds.RecurrentPolicy, model.Card.Kind);
        Assert.Equal("pendulum-pos", model.Card.EnvId);
        Assert.Equal(260, model.Card.TrainingTransitions);
        Assert.Equal(128, model.Card.Metrics["deter"]);
        var env = EnvironmentRegistry.Create("pendulum-pos");
        var factory = ControllerRegistry.CreateDefault().Get(model.Card.Kind);
        using var controller = factory.Create(new ControllerContext
        {
            Model = model, Robot = env.ToSpec("r1"), Options = new ControllerOptions(), Time = TimeProvider.System, Logger = NullLogger.Instance,
        });
        var a = new float[1];
        controller.Act([1f, 0f], a);
        Assert.InRange(a[0], -2f, 2f);
    }

    [Theory]
    [InlineData("--env", "moon-lander", "unknown environment")]
    [InlineData("--steps", "0", "steps must be")]
    [InlineData("--preset", "huge", "--preset must be")]
    [InlineData("--seq-len", "1", "sequence length must be")]
    [InlineData("--train-every", "0", "train-every must be")]
    public void BadInput_OneLineErrorExit2_NothingWritten(string option, string value, string message)
    {
        string dir = Path.Combine(_root, "bad");
        var args = new List<string> { "dreamerv3", "--env", "pendulum", "--steps", "100", "--out", dir };
        int at = args.IndexOf(option);
        if (at >= 0) args[at + 1] = value; else args.AddRange([option, value]);
        var r = TrainerCli.Run([.. args]);
        Assert.Equal(2, r.ExitCode);
        string err = r.Stderr.Trim();
        Assert.StartsWith("error:", err);
        Assert.DoesNotContain('\n', err);
        Assert.Contains(message, err);
        Assert.False(Directory.Exists(dir));
    }
}
