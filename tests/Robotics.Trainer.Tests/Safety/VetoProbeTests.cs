using Robotics.Core.Models;
using Robotics.Runtime.Models;
using Robotics.Safety;
using Robotics.Safety.Diagnostics;
using Robotics.Sim.Environments;
using Robotics.Trainer.Safety;
using Robotics.Trainer.Tests.Support;

namespace Robotics.Trainer.Tests.Safety;

/// <summary>`robotics-train veto-probe`: veto-eval's far probe again, and bands of states just past the training data.</summary>
public sealed class VetoProbeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("robotics-veto-probe-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void VetoProbe_ReproducesVetoEvalsFarProbe_AndWritesOneRowPerBand()
    {
        string train = Path.Combine(_dir, "train"), model = Path.Combine(_dir, "m", "model.onnx"), csv = Path.Combine(_dir, "probe.csv");
        // CartPole-v1: its velocities are unbounded, so random data leaves room past it (random pendulum data reaches +-8).
        EpisodeFixtures.WriteRandom(train, new Cartpole(4), episodes: 6, steps: 100, seed: 4);
        var r = TrainerCli.Run("train", "--algo", "pets", "--data", train, "--out", model, "--members", "3", "--elites", "2", "--hidden", "16",
                               "--layers", "2", "--epochs", "2", "--batch-size", "64", "--threads", "1", "--seed", "3");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);

        // Band 1.25-1.5 lies beyond the probe's bound of twice the data: reported, not probed.
        r = TrainerCli.Run("veto-probe", "--model", model, "--training-data", train, "--bands", "0,0.1,1.25", "--states", "50", "--seed", "3", "--out", csv);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        string[] lines = File.ReadAllLines(csv);
        Assert.Equal("robot,probe,from_span,to_span,samples,vetoed,rate,threshold", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.Equal("cartpole,\"band 1.25-1.5 of the span\",1.25,1.5,0,,,", lines[4]);
        Assert.Contains("no room inside the observation bound", r.Stdout);
        Assert.StartsWith("cartpole,\"far (>= 0.1 of the bound)\",NaN,NaN,100,", lines[1]);
        Assert.StartsWith("cartpole,\"band 0-0.25 of the span\",0,0.25,100,", lines[2]);
        Assert.StartsWith("cartpole,\"band 0.1-0.35 of the span\",0.1,0.35,100,", lines[3]);

        // The far row is veto-eval's step 4 for seed 3: the same states, actions and gate.
        var env = EnvironmentRegistry.Create("cartpole", 0);
        var range = TrainingRange.Of(env, ModelFile.Read(model).Card, train);
        var spec = env.ToSpec("veto-probe");
        VetoRate expected;
        using (var w = OnnxWorldModel.Load(model, spec, new WorldModelOptions { MaxBatch = 64 }))
            expected = VetoRateProbe.Measure(spec, w, new SafetyGateOptions(), range.OodStates(EnvironmentRegistry.Create("cartpole", 3), new Random(10), 50, 0.1), 2, 14);
        Assert.Equal(expected.Vetoed, int.Parse(lines[1].Split(',')[5], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(range.Describe(), r.Stdout);
    }

    [Theory]
    [InlineData("--bands", "0,-1", "--bands: '-1' is not a fraction >= 0")]
    [InlineData("--band-width", "0", "--band-width must be > 0")]
    [InlineData("--states", "0", "--states and --actions-per-state must be >= 1")]
    public void VetoProbe_ExitsWith2_OnBadArguments(string option, string value, string expected)
    {
        string model = Path.Combine(_dir, "m.onnx");
        File.WriteAllText(model, "x");
        var r = TrainerCli.Run("veto-probe", "--model", model, "--training-data", _dir, option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
    }
}
