using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Robotics.Sim.Mujoco;
using Robotics.Sim.Mujoco.Tasks;

namespace Robotics.Sim.Tests.Mujoco;

/// <summary>The MuJoCo binding: loading, errors as one line naming the model or library (never exit()), state access, 0 B per step.</summary>
public class MujocoBindingTests
{
    private const string Minimal = """
        <mujoco model="ball"><option timestep="0.01"/>
          <worldbody><body name="ball" pos="0 0 1"><joint name="z" type="slide" axis="0 0 1"/><geom type="sphere" size="0.1" mass="1"/></body></worldbody>
          <actuator><motor name="push" joint="z" ctrllimited="true" ctrlrange="-1 1" gear="20"/></actuator>
          <sensor><jointpos name="height" joint="z"/></sensor>
        </mujoco>
        """;

    [Fact]
    public void FromXml_LoadsStepsAndExposesStateArrays()
    {
        using var sim = MujocoSimulation.FromXml(Minimal, "ball");
        Assert.Equal(222, MujocoSimulation.Version);
        Assert.Equal((1, 1, 1, 1), (sim.Nq, sim.Nv, sim.Nu, sim.NsensorData));
        Assert.Equal(0.01, sim.Timestep);
        for (int k = 0; k < 100; k++) sim.StepSynced();
        // Free fall for 100 semi-implicit Euler steps from rest: v_k = -g k dt, z_n = -g dt^2 n (n + 1) / 2.
        Assert.Equal(-9.81 * 0.01 * 0.01 * 100 * 101 / 2, sim.Qpos[0], 9);
        Assert.Equal(sim.Qpos[0], sim.SensorData[0], 12); // sensors agree with the state after a synced step
        Assert.Equal(1.0, sim.Time, 9);
        sim.Reset();
        Assert.Equal(0, sim.Qpos[0]);
        sim.Qvel[0] = 2;
        sim.Ctrl[0] = 0.4905; // 20 x 0.4905 = 9.81 N holds the 1 kg ball against gravity
        sim.StepSynced(10);
        Assert.Equal(0.2, sim.Qpos[0], 6);
    }

    [Fact]
    public void BrokenXml_ThrowsOneLineNamingTheModel_AndTheProcessGoesOn()
    {
        var e = Assert.Throws<MujocoException>(() => MujocoSimulation.FromXml("<mujoco><worldbody><body>", "broken.xml"));
        Assert.Contains("broken.xml", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        // 2.2.2 rejects a range without limited="true": a compile error naming the file it came from.
        string dir = Directory.CreateTempSubdirectory("mj-").FullName;
        string file = Path.Combine(dir, "no-limited.xml");
        File.WriteAllText(file, Minimal.Replace("axis=\"0 0 1\"/>", "axis=\"0 0 1\" range=\"-1 1\"/>"));
        try
        {
            var c = Assert.Throws<MujocoException>(() => MujocoSimulation.FromFile(file));
            Assert.Contains(file, c.Message);
            Assert.Contains("limited", c.Message);
            Assert.DoesNotContain('\n', c.Message);
        }
        finally { Directory.Delete(dir, true); }
        var missing = Assert.Throws<MujocoException>(() => MujocoSimulation.FromFile("/nonexistent/model.xml"));
        Assert.Contains("/nonexistent/model.xml", missing.Message);
        using var sim = MujocoSimulation.FromXml(Minimal, "still-works"); // MuJoCo is usable after the errors
        sim.Step();
    }

    [Fact]
    public void MujocoError_BecomesAMessage_InsteadOfExit()
    {
        string message = MujocoNative.RaiseTestError();
        Assert.Contains("deliberate mju_error", message);
        using var sim = MujocoSimulation.FromXml(Minimal, "after-error");
        sim.Step(); // still alive and working
    }

    [Fact]
    public void MujocoWarnings_AreLogged_AndInstabilityIsCounted()
    {
        var logger = new ListLogger();
        using var sim = MujocoSimulation.FromXml(Minimal, "unstable", logger);
        sim.Qvel[0] = double.NaN; // MuJoCo detects the bad state, warns and resets it
        sim.StepSynced();
        Assert.Equal(1, sim.InstabilityResets);
        Assert.Contains(logger.Lines, l => l.Contains("unstable") && l.Contains("reset"));
        Assert.True(double.IsFinite(sim.Qvel[0]));
        int before = logger.Lines.Count;
        MujocoNative.RaiseTestWarning();
        sim.Step();
        Assert.Contains(logger.Lines.Skip(before), l => l.Contains("deliberate mju_warning"));
    }

    [Fact]
    public void MissingLibrary_GivesOneErrorLineNamingIt_FromTheCli()
    {
        // A shim linked against a libmujoco that is not installed: what a machine without libmujoco-dev sees.
        string dir = Directory.CreateTempSubdirectory("mj-missing-").FullName;
        try
        {
            string c = Path.Combine(dir, "empty.c");
            File.WriteAllText(c, "int rs_unused(void) { return 0; }\n");
            Gcc(dir, "-shared", "-fPIC", "-Wl,-soname,libmujoco-absent.so.9", "-o", "libmujoco-absent.so.9", c);
            Gcc(dir, "-shared", "-fPIC", "-o", "libmjshim.so", c, "-Wl,--no-as-needed", Path.Combine(dir, "libmujoco-absent.so.9"));
            File.Delete(Path.Combine(dir, "libmujoco-absent.so.9"));

            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "robotics-sim.dll"), "info", "--env", "mj-cartpole-swingup" }) psi.ArgumentList.Add(a);
            psi.Environment[MujocoNative.ShimPathVariable] = Path.Combine(dir, "libmjshim.so");
            using var p = Process.Start(psi)!;
            string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(1, p.ExitCode);
            string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines);
            Assert.StartsWith("error: MuJoCo: cannot load", lines[0]);
            Assert.Contains("libmujoco-absent.so.9", lines[0]);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("mj-cartpole-swingup")]
    [InlineData("mj-cheetah-run")]
    [InlineData("mj-reacher-hard:randomise")]
    public void StepAndReset_AllocateNothing_Over1000Steps(string id)
    {
        using var task = MujocoTasks.Create(id, seed: 2);
        var obs = new float[task.ObservationSpace.Dimension];
        var act = new float[task.ActionSpace.Dimension];
        void Run(int steps)
        {
            task.Reset(null, obs);
            for (int k = 0; k < steps; k++)
            {
                for (int i = 0; i < act.Length; i++) act[i] = (k % 7 - 3) * 0.3f;
                task.Cost.Cost(obs, act);
                if (task.Step(act, obs).Done) task.Reset(k, obs);
            }
        }
        Run(1100);
        Action window = () => Run(2500); // crosses two episode ends: seeded resets (and re-randomisation) included
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }

    private static void Gcc(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("gcc") { WorkingDirectory = dir, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"gcc failed: {err}");
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
