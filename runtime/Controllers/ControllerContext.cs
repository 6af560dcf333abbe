using Microsoft.Extensions.Logging;
using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Core.Tasks;

namespace Robotics.Runtime.Controllers;

/// <summary>
/// Everything a factory gets to build a controller, all checked before: the model file whose card's kind
/// chose the factory (card already matched against the robot), the robot, the task resolved from the
/// card's task_cost through core's <see cref="TaskLibrary"/> (null: unknown task, plan on learned reward),
/// the safety predictor the gate will use (null when none), options, clock and logger.
/// </summary>
public sealed record ControllerContext
{
    public required ModelFile Model { get; init; }
    public required RobotSpec Robot { get; init; }
    public ITaskDefinition? Task { get; init; }
    public ISafetyPredictor? SafetyPredictor { get; init; }
    public required ControllerOptions Options { get; init; }
    public required TimeProvider Time { get; init; }
    public required ILogger Logger { get; init; }
}

/// <summary>What a factory gets to build the gate's safety predictor from one of its files.</summary>
public sealed record SafetyPredictorRequest
{
    public required ModelFile Model { get; init; }
    public required RobotSpec Robot { get; init; }
    /// <summary>Rows one Predict call must take: the gate's max candidates (at least 1).</summary>
    public required int MaxBatch { get; init; }
    public required ControllerOptions Options { get; init; }
    public required ILogger Logger { get; init; }
}
