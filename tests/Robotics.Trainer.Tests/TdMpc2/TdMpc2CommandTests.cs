using System.Globalization;
using Robotics.Core.Models;
using Robotics.Trainer.Pets;
using Robotics.Trainer.Tests.Support;

namespace Robotics.Trainer.Tests.TdMpc2;

/// <summary>robotics-train tdmpc2 as a user runs it: a tiny end-to-end run, and bad input refused on one line.</summary>
public sealed class TdMpc2CommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tdmpc2-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TinyRun_WritesCurveAndADeployableModel()
    {
        string dir = Path.Combine(_root, "run");
        var r = TrainerCli.Run("tdmpc2", "--env", "pendulum", "--steps", "260", "--seed-steps", "200", "--eval-every", "130", "--eval-episodes", "1",
                               "--latent", "16", "--mlp", "16", "--enc", "16", "--batch", "16", "--samples", "32", "--policy-samples", "4",
                               "--plan-iterations", "2", "--elites", "8", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        string[] lines = File.ReadAllLines(Path.Combine(dir, "curve.csv"));
        Assert.Equal(PetsCurve.Header, lines[0]);
        Assert.Equal(3, lines.Length);
        string[] last = lines[2].Split(',');
        Assert.Equal("260", last[1]);
        double ret = double.Parse(last[2], CultureInfo.InvariantCulture);
        Assert.InRange(ret, -2000, 0); // one 200-step Pendulum episode
        Assert.True(new FileInfo(Path.Combine(dir, "curve.png")).Length > 1000);
        var model = ModelFile.Read(Path.Combine(dir, "model", "model.onnx"));
        Assert.Equal(ModelKinds.LatentMpc, model.Card.Kind);
        Assert.Equal("pendulum", model.Card.EnvId);
        Assert.Equal(260, model.Card.TrainingTransitions);
        foreach (string role in model.Card.Graphs.Keys) Assert.True(File.Exists(model.GraphPath(role)), role);
    }

    [Theory]
    [InlineData("--env", "moon-lander", "unknown environment")]
    [InlineData("--steps", "0", "steps must be")]
    [InlineData("--latent", "12", "multiple of 8")]
    [InlineData("--preset", "huge", "--preset must be")]
    [InlineData("--elites", "999", "elites must be")]
    public void BadInput_OneLineErrorExit2_NothingWritten(string option, string value, string message)
    {
        string dir = Path.Combine(_root, "bad");
        var args = new List<string> { "tdmpc2", "--env", "pendulum", "--steps", "100", "--out", dir };
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

    [Fact]
    public void NonEmptyOut_IsRefused()
    {
        File.WriteAllText(Path.Combine(_root, "x"), "");
        var r = TrainerCli.Run("tdmpc2", "--env", "pendulum", "--out", _root);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not empty", r.Stderr);
    }
}
