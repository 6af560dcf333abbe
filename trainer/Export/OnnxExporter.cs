using System.Reflection;
using Robotics.Core.Models;
using Robotics.Core.Tasks;
using Robotics.Core.Onnx;
using Robotics.Core.Onnx.Ensemble;
using Robotics.Trainer.Models;

namespace Robotics.Trainer.Export;

/// <summary>
/// Writes a trained ensemble as one .onnx file: the step graph (inputs obs [N, obs], action [N, act];
/// outputs next_obs [N, obs], reward [N], next_obs_members [K, N, obs], disagreement [N]) with the
/// normalisation inside, and the model card as JSON under metadata key robotics.card. The graph comes from
/// core's EnsembleStepGraph, the one step-graph builder the runtime also uses for its fused rollout.
/// </summary>
public static class OnnxExporter
{
    public const string ObsInput = "obs", ActionInput = "action";
    public const string NextObsOutput = "next_obs", RewardOutput = "reward", MembersOutput = "next_obs_members", DisagreementOutput = "disagreement";

    /// <summary>Builds the card and the model and writes <paramref name="path"/> atomically; returns the card.</summary>
    public static ModelCard Export(TrainedEnsemble model, ModelCardInputs inputs, string path)
    {
        ModelCard card = BuildCard(model, inputs);
        BuildModel(model.ExtractWeights(), card).Save(path);
        return card;
    }

    /// <summary>The card for <paramref name="model"/>; validates that the spaces match the model's dimensions.</summary>
    public static ModelCard BuildCard(TrainedEnsemble model, ModelCardInputs inputs)
    {
        if (inputs.ObservationSpace.Dimension != model.ObsDim || inputs.ActionSpace.Dimension != model.ActDim)
            throw new ArgumentException(
                $"the model was trained on {model.ObsDim}-d observations and {model.ActDim}-d actions but '{inputs.EnvId}' declares " +
                $"{inputs.ObservationSpace.Dimension} and {inputs.ActionSpace.Dimension}");
        var last = model.History.Count > 0 ? model.History[^1] : default;
        return new ModelCard
        {
            Kind = ModelKinds.EnsembleDynamics,
            Algo = "pets",
            EnvId = inputs.EnvId,
            ObservationSpace = new CardSpace(inputs.ObservationSpace.Names, inputs.ObservationSpace.Low, inputs.ObservationSpace.High),
            ActionSpace = new CardSpace(inputs.ActionSpace.Names, inputs.ActionSpace.Low, inputs.ActionSpace.High),
            ControlPeriodSeconds = inputs.ControlPeriod.TotalSeconds,
            Graphs = new() { [GraphRoles.Step] = ModelCard.ThisFile },
            Ensemble = new EnsembleSection(model.Members, model.Elites.Count) { Disagreement = model.Options.Disagreement.Name() },
            TrainingDataDigest = inputs.TrainingDataDigest,
            TrainingTransitions = model.TrainingTransitions + model.ValidationTransitions,
            Metrics = new Dictionary<string, double>
            {
                ["validation_mse"] = model.ValidationMse,
                ["validation_mse_worst_elite"] = model.Elites.Max(e => model.MemberValidationMse[e]),
                ["train_nll"] = last.TrainNll,
                ["epochs"] = model.History.Count,
                ["validation_transitions"] = model.ValidationTransitions,
                ["hidden_units"] = model.HiddenUnits,
                ["hidden_layers"] = model.HiddenLayers,
            },
            TrainerVersion = TrainerVersion,
            Uncertainty = model.Calibration ?? new UncertaintyCalibration { P99 = model.DisagreementP99, Max = model.DisagreementMax },
            TaskCost = TaskLibrary.TryGet(inputs.EnvId, out var task)
                ? new TaskCostSection(task.Id) { Parameters = new(task.Parameters) }
                : null,
        }.Validate();
    }

    /// <summary>
    /// The ONNX model for <paramref name="weights"/> with <paramref name="card"/> in its metadata; the graph's
    /// disagreement is the card's <c>ensemble.disagreement</c> measure.
    /// </summary>
    public static OnnxModel BuildModel(EnsembleWeights weights, ModelCard card)
    {
        DisagreementMeasure measure = card.Ensemble?.Measure ?? DisagreementMeasures.Default;
        string d = measure == DisagreementMeasure.TotalStd
            ? "sqrt of the elites' per-dimension variances summed"
            : "max over elites of the L2 distance to the elites' mean";
        return EnsembleStepGraph.Build(weights.ToParameters(measure), new Dictionary<string, string> { [ModelCard.MetadataKey] = card.ToJson() },
            TrainerVersion,
            "PETS ensemble one-step model: raw obs and action in; elites' mean next observation and reward, " +
            $"each elite's next observation, and disagreement ({d} of the predicted observation change, normalised units) out.");
    }

    public static string TrainerVersion { get; } =
        "robotics-train " + (typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0");
}
