using Robotics.Core.Models;
using Robotics.Runtime.Models;
using Robotics.Safety;
using Robotics.Safety.Diagnostics;
using Robotics.Sim.Environments;

namespace Robotics.Trainer.Safety;

/// <summary>
/// One probe: its name, where its velocities lie (fractions of the data's span beyond the range, or NaN for the far
/// probe) and what the gate did; no rate where the observation bound leaves no room for the band.
/// </summary>
public sealed record OodBandRow(string Probe, double From, double To, VetoRate? Rate);

/// <summary>
/// `robotics-train veto-probe`: how far beyond its training data a model's gate starts to veto. The far probe is
/// veto-eval's own (every velocity at least a margin of the observation bound past the range; same seeds, so the same
/// number); each band puts every velocity between two fractions of the data's span past the range
/// (<see cref="TrainingRange.BandStates"/>). Random actions, each sample judged alone (<see cref="VetoRateProbe"/>). Not real-time.
/// </summary>
public static class OodBandProbe
{
    public static (TrainingRange Range, IReadOnlyList<OodBandRow> Rows) Run(string modelPath, string trainingDir, IReadOnlyList<double> bandStarts,
                                                                           double bandWidth, int states, int actionsPerState, double farMargin, int seed)
    {
        var file = ModelFile.Read(modelPath);
        string robot = file.Card.EnvId;
        IEnvironment env = EnvironmentRegistry.Create(robot, 0);
        var range = TrainingRange.Of(env, file.Card, trainingDir);
        var spec = env.ToSpec("veto-probe");
        var rows = new List<OodBandRow>();
        using var model = OnnxWorldModel.Load(modelPath, spec, new WorldModelOptions { MaxBatch = 64 });
        VetoRate Measure(List<float[]> probe) => VetoRateProbe.Measure(spec, model, new SafetyGateOptions(), probe, actionsPerState, seed + 11);
        rows.Add(new OodBandRow($"far (>= {farMargin:G3} of the bound)", double.NaN, double.NaN, Far(range, spec, model, seed, states, actionsPerState, farMargin)));
        for (int i = 0; i < bandStarts.Count; i++)
        {
            double from = bandStarts[i], to = from + bandWidth;
            rows.Add(new OodBandRow(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"band {from:G3}-{to:G3} of the span"), from, to,
                                    range.HasBandRoom(from, bandWidth)
                                        ? Measure(range.BandStates(EnvironmentRegistry.Create(robot, seed), new Random(seed + 100 + i), states, from, bandWidth))
                                        : null));
        }
        return (range, rows);
    }

    /// <summary>veto-eval's out-of-distribution probe for seed <paramref name="seed"/> (its step 4; veto-probe's far row).</summary>
    public static VetoRate Far(TrainingRange range, Robotics.Core.Robots.RobotSpec spec, ISafetyPredictor model, int seed, int states, int actionsPerState, double margin) =>
        VetoRateProbe.Measure(spec, model, new SafetyGateOptions(),
                              range.OodStates(EnvironmentRegistry.Create(range.Robot, seed), new Random(seed + 7), states, margin), actionsPerState, seed + 11);
}
