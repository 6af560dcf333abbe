using System.Globalization;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Policy;
using Robotics.Trainer.Pets;
using Robotics.Trainer.Tests.Support;

namespace Robotics.Trainer.Tests.Mbpo;

/// <summary>robotics-train mbpo and sac as a user runs them: tiny end-to-end runs, seeded determinism, bad input refused on one line.</summary>
public sealed class MbpoCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mbpo-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly string[] Tiny =
    [
        "--env", "pendulum", "--steps", "300", "--seed-steps", "100", "--eval-every", "150", "--eval-episodes", "1", "--hidden", "16",
        "--batch", "32", "--updates", "2", "--model-hidden", "16", "--model-layers", "2", "--members", "3", "--elites", "2", "--model-epochs", "3",
        "--model-train-every", "100", "--rollouts", "8", "--rollout-every", "25", "--rollout-schedule", "100", "200", "1", "3",
    ];

    private TrainerCli.Result Mbpo(string dir, params string[] extra) => TrainerCli.Run(["mbpo", .. Tiny, "--out", dir, .. extra]);

    [Fact]
    public void TinyMbpoRun_WritesCurveAndAGatedPolicyDeployment()
    {
        string dir = Path.Combine(_root, "run");
        var r = Mbpo(dir);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        string[] lines = File.ReadAllLines(Path.Combine(dir, "curve.csv"));
        Assert.Equal(PetsCurve.Header, lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Equal("300", lines[2].Split(',')[1]);
        Assert.InRange(double.Parse(lines[2].Split(',')[2], CultureInfo.InvariantCulture), -2000, 0);
        Assert.True(new FileInfo(Path.Combine(dir, "curve.png")).Length > 1000);
        var policy = ModelFile.Read(Path.Combine(dir, "model", PolicyGraphNames.PolicyFile));
        Assert.Equal(ModelKinds.Policy, policy.Card.Kind);
        Assert.Equal("mbpo", policy.Card.Algo);
        Assert.Equal(300, policy.Card.TrainingTransitions);
        Assert.NotNull(policy.Card.Uncertainty);
        var ensemble = ModelFile.Read(policy.GraphPath(GraphRoles.Step));
        Assert.Equal(ModelKinds.EnsembleDynamics, ensemble.Card.Kind);
        Assert.Equal(policy.Card.Uncertainty!.P99, ensemble.Card.Uncertainty!.P99);
        Assert.Contains("rollouts of k = ", r.Stdout);
    }

    [Fact]
    public void SameSeed_WritesTheSameCurveAndPolicy()
    {
        string a = Path.Combine(_root, "a"), b = Path.Combine(_root, "b");
        Assert.Equal(0, Mbpo(a, "--seed", "3").ExitCode);
        Assert.Equal(0, Mbpo(b, "--seed", "3").ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(a, "curve.csv")), File.ReadAllText(Path.Combine(b, "curve.csv")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "model", PolicyGraphNames.PolicyFile)), File.ReadAllBytes(Path.Combine(b, "model", PolicyGraphNames.PolicyFile)));
    }

    [Fact]
    public void TinySacRun_WritesCurveAndAnUngatedPolicy()
    {
        string dir = Path.Combine(_root, "sac");
        var r = TrainerCli.Run("sac", "--env", "pendulum", "--steps", "250", "--seed-steps", "100", "--eval-every", "250", "--eval-episodes", "1",
                               "--hidden", "16", "--batch", "32", "--out", dir);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(dir, "curve.csv")).Length);
        var policy = ModelFile.Read(Path.Combine(dir, "model", PolicyGraphNames.PolicyFile));
        Assert.Equal("sac", policy.Card.Algo);
        Assert.False(policy.Card.HasGraph(GraphRoles.Step));
    }

    [Theory]
    [InlineData("mbpo", "--env", "moon-lander", "unknown environment")]
    [InlineData("mbpo", "--steps", "0", "steps must be")]
    [InlineData("mbpo", "--real-ratio", "1.5", "real ratio must be")]
    [InlineData("mbpo", "--rollout-schedule", "5", "rollout-schedule needs 4 numbers")]
    [InlineData("sac", "--steps", "0", "steps must be")]
    [InlineData("sac", "--hidden", "0", "hidden width must be")]
    public void BadInput_OneLineErrorExit2_NothingWritten(string verb, string option, string value, string message)
    {
        string dir = Path.Combine(_root, "bad");
        var args = new List<string> { verb, "--env", "pendulum", "--steps", "100", "--out", dir };
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
