using Microsoft.Extensions.Logging;
using Robotics.Core.Models;
using Robotics.Core.Robots;

namespace Robotics.Safety.Diagnostics;

/// <summary>How many of the probed (state, random action) pairs the gate vetoed.</summary>
public readonly record struct VetoRate(int Samples, int Vetoed, float Threshold)
{
    public double Rate => Samples == 0 ? 0 : (double)Vetoed / Samples;
    public override string ToString() => $"{Vetoed}/{Samples} = {Rate:P2} vetoed (threshold D > {Threshold:G4})";
}

/// <summary>
/// Not real-time; a measurement tool. Proposes uniformly random actions at given states and counts how
/// often the gate's model checks (model output, state limits, uncertainty) veto them. Uses a gate built
/// from the given options without e-stop, staleness and rate limit, reset before every sample, so every
/// sample is judged on its own (no hysteresis, no hold).
/// </summary>
public static class VetoRateProbe
{
    public static VetoRate Measure(RobotSpec spec, ISafetyPredictor model, SafetyGateOptions options,
                                   IReadOnlyList<float[]> states, int actionsPerState, int seed, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(actionsPerState, 1);
        var probeOptions = options with { Enabled = options.Enabled & ~(SafetyChecks.EStop | SafetyChecks.Staleness | SafetyChecks.RateLimit) };
        var gate = SafetyGate.Create(spec, model, probeOptions, logger: logger);
        var rng = new Random(seed);
        var state = new StateBuffer(spec.ObservationSpace.Dimension);
        var command = new CommandBuffer(spec.ActionSpace.Dimension);
        var action = new float[spec.ActionSpace.Dimension];
        var low = spec.ActionSpace.Low;
        var high = spec.ActionSpace.High;
        int samples = 0, vetoed = 0;
        foreach (var obs in states)
        {
            obs.CopyTo(state.Obs, 0);
            for (int j = 0; j < actionsPerState; j++)
            {
                for (int i = 0; i < action.Length; i++) action[i] = low[i] + (float)rng.NextDouble() * (high[i] - low[i]);
                state.Seq++;
                gate.Reset(); // each sample on its own: no hysteresis, no hold of an earlier sample's action
                gate.Apply(state, action, [], command);
                samples++;
                if (command.Safety is SafetyDecision.Vetoed or SafetyDecision.Fallback) vetoed++;
            }
        }
        var counts = gate.Snapshot();
        // Every veto must come from a model check: anything else means the probe states were not valid.
        long modelVetoes = counts[SafetyCheck.ModelOutput] + counts[SafetyCheck.StateLimits] + counts[SafetyCheck.UncertaintyVeto];
        if (modelVetoes != vetoed)
            throw new InvalidOperationException($"veto probe: {vetoed} vetoes but {modelVetoes} from model checks ({counts}); are the states inside the observation space?");
        return new VetoRate(samples, vetoed, gate.UncertaintyThreshold);
    }
}
