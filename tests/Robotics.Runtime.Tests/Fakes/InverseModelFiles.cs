using Robotics.Core.Episodes;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Inverse;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Loop;
using Robotics.Safety;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Fakes;

/// <summary>
/// Inverse-dynamics test models built with core's <see cref="InverseDynamicsGraph"/> (no trainer): Pendulum-v1's own
/// inverse, which is linear in the graph's features [s, s' - s]: thdot' - thdot = (15 sin th + 3 u) dt, so
/// u = (d thdot / dt - 15 sin th) / 3 = 6.667 d thdot - 5 sin th (exact while |thdot'| stays under the 8 rad/s clip).
/// <c>gain</c> scales it (a model that is wrong by a factor); member m gets 1 + spread (m - (E-1)/2).
/// </summary>
public static class InverseModelFiles
{
    public static ModelCard Card(int members, string envId = "pendulum") => new()
    {
        EnvId = envId,
        ObservationSpace = new CardSpace(["cos_theta", "sin_theta", "theta_dot"], [-1f, -1f, -8f], [1f, 1f, 8f]),
        ActionSpace = new CardSpace(["torque"], [-2f], [2f]),
        ControlPeriodSeconds = 0.05,
        Kind = ModelKinds.InverseDynamics,
        Algo = "inverse",
        Graphs = new() { [GraphRoles.InverseDynamics] = ModelCard.ThisFile },
        Ensemble = new EnsembleSection(members, members),
        TrainingDataDigest = "exact",
        TrainerVersion = "test",
    };

    public static string WriteExactPendulum(string dir, float gain = 1f, int members = 1, float spread = 0f, ModelCard? card = null)
    {
        const int inputs = 6;
        var w = new float[members * inputs];
        var b = new float[members];
        for (int m = 0; m < members; m++)
        {
            float k = gain * (1f + spread * (m - (members - 1) / 2f));
            w[m * inputs + 1] = -5f * k;                       // sin th
            w[m * inputs + 5] = (float)(1 / (3 * Pendulum.Dt)) * k; // d thdot
        }
        var p = new InverseDynamicsParameters(3, 1, members, [inputs, 1], [w], [b],
            new float[inputs], [1, 1, 1, 1, 1, 1], [0f], [1f]);
        string path = Path.Combine(dir, $"inverse-{Guid.NewGuid():N}.onnx");
        card ??= Card(members);
        InverseDynamicsGraph.Build(p, new Dictionary<string, string> { [ModelCard.MetadataKey] = card.ToJson() }, "test").Save(path);
        return path;
    }

    /// <summary>Records one pendulum episode of <paramref name="controller"/> from reset seed <paramref name="seed"/> into <paramref name="dir"/>; returns its file.</summary>
    public static async Task<string> RecordEpisodeAsync(string dir, IController controller, int seed, int steps = 200)
    {
        var driver = new LockstepEnvDriver(new Pendulum(), seed);
        var spec = await driver.ConfigureAsync(default);
        await driver.ActivateAsync(default);
        var loop = new ControlLoop(driver, spec, controller, new PassThroughGate(),
            new ControlLoopOptions { Realtime = false, MaxEpisodeSteps = steps, Record = true }, TimeProvider.System);
        var sink = new MemoryEpisodeSink();
        await loop.RunEpisodeAsync(0, sink, default);
        Directory.CreateDirectory(dir);
        using (var writer = new EpisodeWriter(dir)) writer.WriteEpisode(sink.Episodes.Single());
        return Directory.GetFiles(dir, "episode-*.parquet").Single();
    }

    /// <summary>Wrapped angle of a pendulum observation [cos, sin, thdot].</summary>
    public static double Angle(ReadOnlySpan<float> obs) => Math.Atan2(obs[1], obs[0]);

    public static double AngleError(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double d = Angle(a) - Angle(b);
        return Math.Atan2(Math.Sin(d), Math.Cos(d));
    }
}

/// <summary>
/// A hand-written pendulum swing-up (energy pumping, then a PD capture within 0.4 rad of upright), the controller the
/// fault monitor runs beside in the tests and the source of the recorded reference the tracking tests follow.
/// </summary>
public sealed class SwingUpPolicy : IController
{
    public int ActDim => 1;
    public ReadOnlySpan<float> Candidates => default;
    public void Reset() { }
    public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) { }
    public void Dispose() { }

    public void Act(ReadOnlySpan<float> obs, Span<float> action)
    {
        double c = obs[0], s = obs[1], w = obs[2];
        double th = Math.Atan2(s, c);
        double u;
        if (Math.Abs(th) < 0.4) u = -(10 * th + 2 * w);
        else
        {
            double e = 0.5 * w * w + 15 * (c - 1);   // 0 at rest upright; dE/dt = 3 u thdot
            u = Math.Abs(w) < 0.05 ? 2.0 : -e * w;
        }
        action[0] = (float)Math.Clamp(u, -2, 2);
    }
}

/// <summary>
/// A pendulum servo that keeps its actuator working: it follows phi*(t) = 0.35 sin(pi/2 rad/s t) about the hanging
/// position (phi = angle from the bottom) with feed-forward (phi*'' + 15 sin phi*) / 3 (about 1.5 N m peak) plus PD
/// 3 / 0.5 on the error, clipped to +-2. Time counts the commands since <see cref="Reset"/>.
/// </summary>
public sealed class SinusoidServo : IController
{
    private const double A = 0.35, W = Math.PI / 2, Dt = 0.05;
    private int _t;
    public int ActDim => 1;
    public ReadOnlySpan<float> Candidates => default;
    public void Reset() => _t = 0;
    public void Observe(ReadOnlySpan<float> sent, SafetyDecision decision) { }
    public void Dispose() { }

    public void Act(ReadOnlySpan<float> obs, Span<float> action)
    {
        double time = _t++ * Dt;
        double phi = Math.Atan2(-obs[1], -obs[0]);            // angle from the bottom: theta - pi, wrapped
        double phiRef = A * Math.Sin(W * time), dRef = A * W * Math.Cos(W * time), ddRef = -A * W * W * Math.Sin(W * time);
        double u = (ddRef + 15 * Math.Sin(phiRef)) / 3 + 3 * (phiRef - phi) + 0.5 * (dRef - obs[2]);
        action[0] = (float)Math.Clamp(u, -2, 2);
    }
}
