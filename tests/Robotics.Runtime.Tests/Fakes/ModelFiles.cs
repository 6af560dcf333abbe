using System.Diagnostics;
using Robotics.Core.Models;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Fakes;

/// <summary>
/// Writes small ONNX test models in the step-graph contract with Debian's python3-onnx (Fixtures/
/// make_pendulum_model.py): exact pendulum dynamics with a chosen card. Fails, naming the package, when
/// python3-onnx is missing.
/// </summary>
public static class ModelFiles
{
    public const string Python = "/usr/bin/python3";

    public static ModelCard PendulumCard(int members = 3) => new()
    {
        EnvId = "pendulum",
        ObservationSpace = new CardSpace(["cos_theta", "sin_theta", "theta_dot"], [-1f, -1f, -8f], [1f, 1f, 8f]),
        ActionSpace = new CardSpace(["torque"], [-2f], [2f]),
        ControlPeriodSeconds = 0.05,
        Kind = ModelKinds.EnsembleDynamics,
        Algo = "pets",
        Graphs = new() { [GraphRoles.Step] = ModelCard.ThisFile },
        Ensemble = new EnsembleSection(members, members) { Disagreement = DisagreementMeasures.Default.Name() },
        Uncertainty = new UncertaintyCalibration { P99 = 0.1, Max = 0.2 },
        TaskCost = new TaskCostSection("pendulum"),
        TrainingDataDigest = "0123abcd",
        TrainerVersion = "test",
    };

    /// <summary>Writes the pendulum model with <paramref name="cardJson"/> as its card; returns the path.</summary>
    public static string WritePendulum(string dir, string cardJson, int members = 3, double spread = 0.01)
    {
        Directory.CreateDirectory(dir);
        string card = Path.Combine(dir, $"card-{Guid.NewGuid():N}.json");
        string model = Path.Combine(dir, $"model-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(card, cardJson);
        string script = Path.Combine(AppContext.BaseDirectory, "Fixtures", "make_pendulum_model.py");
        if (!File.Exists(Python)) throw new InvalidOperationException("Debian python3 is missing: apt-get install python3 python3-onnx");
        var psi = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { script, model, card, members.ToString(), spread.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (err.Contains("No module named 'onnx'"))
            throw new InvalidOperationException("python3-onnx is missing: apt-get install python3-onnx");
        if (p.ExitCode != 0) throw new InvalidOperationException($"model fixture failed: {err}");
        return model;
    }

    public static string WritePendulum(string dir, ModelCard card, int members = 3, double spread = 0.01) =>
        WritePendulum(dir, card.ToJson(), members, spread);

    public static Robotics.Core.Robots.RobotSpec PendulumSpec() => new Pendulum().ToSpec("fake");
}

/// <summary>A temporary directory deleted at dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rt-" + Guid.NewGuid().ToString("N")[..8]);
    public TempDir() => Directory.CreateDirectory(Path);
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}
