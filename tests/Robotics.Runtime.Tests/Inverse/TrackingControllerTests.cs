using System.CommandLine;
using Microsoft.Extensions.Time.Testing;
using Robotics.Core.Cli;
using Robotics.Core.Episodes;
using Robotics.Runtime.Cli;
using Robotics.Runtime.Controllers.Tracking;
using Robotics.Runtime.Loop;
using Robotics.Runtime.Models;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Safety;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Inverse;

/// <summary>
/// The tracking controller follows a recorded pendulum swing-up (the hand-written energy swing-up, 200 steps from reset
/// seed 7, upright for its last 50 steps) from the same reset. Tolerance (wrapped angle error over the whole episode):
/// exact inverse, RMS &lt; 1e-3 rad and max &lt; 1e-2 rad; the checked-in tiny trained model (3 x 2x32, 100 random
/// episodes), RMS &lt; 0.05 rad and max &lt; 0.15 rad. Acting on s*_t instead of s*_t+1 (one step late) misses by ~0.2 rad RMS.
/// </summary>
[Collection("console")]
public class TrackingControllerTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    public static string TinyModel => Path.Combine(AppContext.BaseDirectory, "Fixtures", "pendulum-inverse-tiny.onnx");

    /// <summary>Follows <paramref name="reference"/> from reset seed <paramref name="seed"/>: the RMS and max wrapped angle error per step.</summary>
    private static async Task<(double Rms, double Max, Episode Run)> TrackAsync(string model, string reference, int seed)
    {
        var driver = new LockstepEnvDriver(new Pendulum(), seed);
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        var traj = ReferenceTrajectory.Load(reference, spec);
        using var controller = new TrackingController(OnnxInverseModel.Load(model, spec), traj, spec.ActionSpace);
        var loop = new ControlLoop(driver, spec, controller, new PassThroughGate(),
            new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 200, Record = true }, TimeProvider.System);
        var sink = new MemoryEpisodeSink();
        await loop.RunEpisodeAsync(0, sink, default);
        Episode run = sink.Episodes.Single();
        double sum = 0, max = 0;
        foreach (var t in run.Transitions)
        {
            double e = Math.Abs(InverseModelFiles.AngleError(t.NextObs, traj.State(t.Step + 1)));
            sum += e * e; max = Math.Max(max, e);
        }
        return (Math.Sqrt(sum / run.Transitions.Count), max, run);
    }

    private async Task<string> SwingUpReferenceAsync(int seed = 7)
    {
        string file = await InverseModelFiles.RecordEpisodeAsync(Path.Combine(_dir.Path, "ref"), new SwingUpPolicy(), seed);
        var rows = EpisodeReader.ReadFile(file);
        Assert.All(rows.TakeLast(50), t => Assert.True(Math.Abs(InverseModelFiles.Angle(t.NextObs)) < 0.3));   // it is a swing-up
        return file;
    }

    [Fact]
    public async Task ExactInverse_FollowsARecordedSwingUp_ToMachinePrecision()
    {
        string reference = await SwingUpReferenceAsync();
        var (rms, max, _) = await TrackAsync(InverseModelFiles.WriteExactPendulum(_dir.Path), reference, seed: 7);
        Assert.True(rms < 1e-3 && max < 1e-2, $"RMS {rms:G3} rad, max {max:G3} rad");
    }

    [Fact]
    public async Task TinyTrainedInverse_FollowsARecordedSwingUp_WithinTheStatedTolerance()
    {
        string reference = await SwingUpReferenceAsync();
        var (rms, max, run) = await TrackAsync(TinyModel, reference, seed: 7);
        Assert.True(rms < 0.05 && max < 0.15, $"RMS {rms:G3} rad, max {max:G3} rad");
        Assert.True(Math.Abs(InverseModelFiles.Angle(run.Transitions[^1].NextObs)) < 0.3);   // and ends upright as the reference does
    }

    [Fact]
    public async Task OneStepLateTargets_WouldMissTheTolerance()
    {
        // The same reference shifted by one step: acting on s*_t is what an off-by-one would do.
        string reference = await SwingUpReferenceAsync();
        var rows = EpisodeReader.ReadFile(reference);
        var shifted = new Episode(0, [rows[0] with { NextObs = rows[0].Obs }, .. rows.Take(rows.Count - 1).Select(r => r with { Step = r.Step + 1, Obs = r.Obs, NextObs = r.NextObs })]);
        string dir = Path.Combine(_dir.Path, "late");
        using (var w = new EpisodeWriter(dir)) w.WriteEpisode(shifted);
        var (rms, _, _) = await TrackAsync(InverseModelFiles.WriteExactPendulum(_dir.Path), Directory.GetFiles(dir, "*.parquet").Single(), seed: 7);
        Assert.True(rms > 0.05, $"RMS {rms:G3} rad");
    }

    [Fact]
    public async Task RunVerb_WithAnInverseModelAndReference_DrivesTheTrackingControllerThroughTheGate()
    {
        string reference = await SwingUpReferenceAsync();
        var r = RunCli("--model", TinyModel, "--reference", reference, "--realtime", "false", "--episodes", "1", "--seed", "7");
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("tracking controller (inverse dynamics, 3 members", r.Out);
        Assert.Contains("over 200 robot steps", r.Out);
        Assert.Contains("safety: 200 commands: ok 200", r.Out);   // through the gate, which let every command pass
        Assert.True(r.Driver.Writes >= 200, $"{r.Driver.Writes} commands");
    }

    [Fact]
    public void RunVerb_InverseModelWithoutReference_ExitsWith2OnOneLine_BeforeAnyCommand()
    {
        var r = RunCli("--model", TinyModel, "--realtime", "false", "--episodes", "1");
        Assert.Equal(2, r.Code);
        string error = Assert.Single(r.Err.Trim().Split('\n'), l => l.StartsWith("error:"));
        Assert.Contains("the tracking controller needs --reference EPISODE.parquet", error);
        Assert.Equal(0, r.Driver.Writes);
    }

    [Fact]
    public async Task Tick_WithTheTrackingController_AllocatesZeroBytes()
    {
        string reference = await SwingUpReferenceAsync();
        var driver = new LockstepEnvDriver(new Pendulum(), 7) { Endless = true };
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        using var controller = new TrackingController(OnnxInverseModel.Load(TinyModel, spec), ReferenceTrajectory.Load(reference, spec), spec.ActionSpace);
        var loop = new ControlLoop(driver, spec, controller, new PassThroughGate(),
            new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = 5_000 }, new FakeTimeProvider());
        await loop.StartEpisodeAsync(default);
        for (int i = 0; i < 20; i++) loop.Tick();
        Action window = () => { for (int i = 0; i < 1_000; i++) loop.Tick(); };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }

    internal static (int Code, string Out, string Err, LockstepEnvDriver Driver) RunCli(IEnvironment? env, int seed, params string[] args)
    {
        var time = new FakeTimeProvider();
        var driver = new LockstepEnvDriver(env ?? new Pendulum(), seed) { KeepCommands = true, Stamp = time };
        var output = new StringWriter();
        var err = new StringWriter();
        var root = new RootCommand { RunCommand.Create((_, _, _, _, _) => driver, time, output) };
        TextWriter old = Console.Error;
        Console.SetError(err);
        try { return (CliApp.Run(root, ["run", .. args]), output.ToString(), err.ToString(), driver); }
        finally { Console.SetError(old); }
    }

    private static (int Code, string Out, string Err, LockstepEnvDriver Driver) RunCli(params string[] args) => RunCli(null, 7, args);
}
