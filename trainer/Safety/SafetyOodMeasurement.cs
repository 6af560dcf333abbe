using System.Security.Cryptography;
using Robotics.Core.Episodes;
using Robotics.Core.Models;
using Robotics.Runtime.Models;
using Robotics.Safety;
using Robotics.Safety.Checks;
using Robotics.Safety.Diagnostics;
using Robotics.Sim.Environments;
using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Export;

namespace Robotics.Trainer.Safety;

/// <summary>Veto rates at one threshold factor.</summary>
public sealed record SafetyOodRow(double Factor, float Threshold, VetoRate OutOfDistribution, VetoRate InDistribution)
{
    /// <summary>Issue 6's criterion: >= 95% vetoed out of distribution, &lt; 2% in distribution.</summary>
    public bool MeetsCriterion => OutOfDistribution.Rate >= 0.95 && InDistribution.Rate < 0.02;
}

public sealed record SafetyOodResult(ModelCard Card, string ModelPath, double ValidationMse, IReadOnlyList<SafetyOodRow> Rows);

/// <summary>
/// The safety gate's out-of-distribution measurement on the deployment path: train a PETS ensemble on
/// pendulum transitions with |theta_dot| &lt; 2 only, export it to ONNX, load it through the runtime's
/// <see cref="OnnxWorldModel"/>, and count how often the gate (uncertainty veto at card p99 x factor)
/// vetoes uniformly random torques at states with |theta_dot| &gt; 6 and at states with |theta_dot| &lt; 2.
/// </summary>
public static class SafetyOodMeasurement
{
    public static SafetyOodResult Run(SafetyOodOptions options, string modelPath, IProgress<EpochReport>? progress = null,
                                      CancellationToken ct = default)
    {
        options.Validate();
        var data = PendulumOodData.Transitions(options.TrainTransitions, options.TrainMaxAbsThetaDot, options.Seed);
        var env = new Pendulum();
        var spec = env.ToSpec("safety-ood");

        double validationMse;
        using (var trained = EnsembleTrainer.Train(data, options.Ensemble with { Seed = options.Seed }, progress, cancellationToken: ct))
        {
            validationMse = trained.ValidationMse;
            string? dir = Path.GetDirectoryName(Path.GetFullPath(modelPath));
            if (dir is not null) Directory.CreateDirectory(dir);
            OnnxExporter.Export(trained, ModelCardInputs.From(env, Digest(data)), modelPath);
        }

        using var model = OnnxWorldModel.Load(modelPath, spec, new WorldModelOptions { MaxBatch = 64 });
        var ood = PendulumOodData.States(options.ProbeStates, options.OodMinAbsThetaDot, 8f, options.Seed + 1);
        var ind = PendulumOodData.States(options.ProbeStates, 0f, options.TrainMaxAbsThetaDot, options.Seed + 2);
        var rows = new List<SafetyOodRow>();
        foreach (double factor in options.ThresholdFactors)
        {
            var gateOptions = new SafetyGateOptions { Uncertainty = new UncertaintyVetoOptions(factor) };
            var o = VetoRateProbe.Measure(spec, model, gateOptions, ood, options.ActionsPerState, options.Seed + 3);
            var i = VetoRateProbe.Measure(spec, model, gateOptions, ind, options.ActionsPerState, options.Seed + 4);
            rows.Add(new SafetyOodRow(factor, o.Threshold, o, i));
        }
        return new SafetyOodResult(model.Card, modelPath, validationMse, rows);
    }

    /// <summary>SHA-256 over the generated transitions (there are no Parquet files to digest).</summary>
    private static string Digest(IReadOnlyList<Transition> data)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var t in data)
        {
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Obs.AsSpan()));
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Action.AsSpan()));
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.NextObs.AsSpan()));
        }
        return "generated:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
