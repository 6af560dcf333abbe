using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Runtime.Models;

namespace Robotics.Runtime.Controllers;

/// <summary>
/// The files one deployment is made of: <c>--model</c> (its card's kind picks the controller) and, optionally,
/// <c>--safety-model</c> (a model whose kind can predict one step with a calibrated uncertainty, e.g. the
/// ensemble that gates a policy). Without a safety model the gate asks the main model's kind for a predictor.
/// <see cref="Resolve"/> reads both cards (no inference session yet) and checks them against each other and
/// the robot, before anything is loaded or commanded.
/// </summary>
public sealed record DeploymentFiles(ModelFile Model, IControllerFactory Factory, ModelFile? SafetyModel, IControllerFactory? SafetyFactory)
{
    /// <summary>
    /// Not real-time. Throws <see cref="FileNotFoundException"/>, <see cref="InvalidDataException"/> (bad file
    /// or card, or a kind no controller is registered for) or <see cref="ModelCardMismatchException"/> (the
    /// files disagree with each other or with <paramref name="robot"/>), each on one line.
    /// </summary>
    public static DeploymentFiles Resolve(string modelPath, string? safetyModelPath, RobotSpec? robot, ControllerRegistry registry)
    {
        ModelFile model = ModelFile.Read(modelPath);
        IControllerFactory factory = registry.Get(model.Card.Kind);
        if (robot is not null) ModelCardCheck.EnsureMatches(model.Card, robot);
        if (safetyModelPath is null) return new DeploymentFiles(model, factory, null, null);

        ModelFile safety = ModelFile.Read(safetyModelPath);
        IControllerFactory safetyFactory = registry.Get(safety.Card.Kind);
        ModelCardCheck.EnsureSameProblem(model, safety);
        if (robot is not null) ModelCardCheck.EnsureMatches(safety.Card, robot);
        return new DeploymentFiles(model, factory, safety, safetyFactory);
    }

    /// <summary>The file the gate's predictor comes from: the safety model when given, else the model.</summary>
    public ModelFile PredictorFile => SafetyModel ?? Model;
    public IControllerFactory PredictorFactory => SafetyFactory ?? Factory;
}
