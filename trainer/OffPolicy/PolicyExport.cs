using Robotics.Core.Models;
using Robotics.Core.Onnx.Policy;
using Robotics.Core.Tasks;
using Robotics.Sim.Environments;
using Robotics.Trainer.Export;
using Robotics.Trainer.Models;
using Robotics.Trainer.Sac;

namespace Robotics.Trainer.OffPolicy;

/// <summary>
/// The deployable policy: DIR/policy.onnx (core's <see cref="PolicyGraph"/>, card kind <c>policy</c>) and, for
/// MBPO, the ensemble it learned with as DIR/ensemble.onnx (the PETS step graph and card, unchanged), listed in
/// the policy's card as its <c>step</c> graph with its disagreement calibration, so the gate's uncertainty veto
/// runs beside the policy from <c>--model DIR/policy.onnx</c> alone.
/// </summary>
public static class PolicyExport
{
    /// <summary>Not real-time. Writes the file(s) into <paramref name="dir"/> (created), each atomically; returns the policy's card.</summary>
    public static ModelCard Write(SacAgent agent, TrainedEnsemble? ensemble, IEnvironment env, string algo, string digest, long transitions,
                                  IReadOnlyDictionary<string, double> metrics, string dir)
    {
        Directory.CreateDirectory(dir);
        var graphs = new Dictionary<string, string> { [GraphRoles.Policy] = ModelCard.ThisFile };
        if (ensemble is not null)
        {
            OnnxExporter.Export(ensemble, ModelCardInputs.From(env, digest), Path.Combine(dir, PolicyGraphNames.EnsembleFile));
            graphs[GraphRoles.Step] = PolicyGraphNames.EnsembleFile;
        }
        var card = new ModelCard
        {
            Kind = ModelKinds.Policy,
            Algo = algo,
            EnvId = env.Id,
            ObservationSpace = new CardSpace(env.ObservationSpace.Names, env.ObservationSpace.Low, env.ObservationSpace.High),
            ActionSpace = new CardSpace(env.ActionSpace.Names, env.ActionSpace.Low, env.ActionSpace.High),
            ControlPeriodSeconds = env.ControlPeriod.TotalSeconds,
            TrainingDataDigest = digest,
            TrainingTransitions = transitions,
            TrainerVersion = OnnxExporter.TrainerVersion,
            Metrics = new Dictionary<string, double>(metrics) { ["hidden"] = agent.Options.Hidden, ["hidden_layers"] = agent.Options.HiddenLayers },
            Graphs = graphs,
            Ensemble = ensemble is null ? null : new EnsembleSection(ensemble.Members, ensemble.Elites.Count),
            Uncertainty = ensemble is null ? null : new UncertaintyCalibration { P99 = ensemble.DisagreementP99, Max = ensemble.DisagreementMax },
            TaskCost = TaskLibrary.TryGet(env.Id, out var task) ? new TaskCostSection(task.Id) { Parameters = new(task.Parameters) } : null,
        }.Validate();
        PolicyGraph.Build(agent.ExportParameters(env.ActionSpace), new Dictionary<string, string> { [ModelCard.MetadataKey] = card.ToJson() },
                          OnnxExporter.TrainerVersion).Save(Path.Combine(dir, PolicyGraphNames.PolicyFile));
        return card;
    }
}
