using Robotics.Core.Spaces;

namespace Robotics.Core.Robots;

/// <summary>
/// What a robot (real or simulated) declares about itself: its spaces, control period and the action to
/// send when in doubt. Published retained on MQTT as <c>robots/{id}/spec</c>; checked against model cards.
/// </summary>
public sealed record RobotSpec(
    string Id,
    string EnvId,
    BoxSpace ObservationSpace,
    BoxSpace ActionSpace,
    TimeSpan ControlPeriod,
    float[] SafeAction)
{
    /// <summary>Throws with a message naming the first inconsistency.</summary>
    public RobotSpec Validate()
    {
        if (string.IsNullOrWhiteSpace(Id)) throw new ArgumentException("robot spec: id is empty");
        if (ControlPeriod <= TimeSpan.Zero)
            throw new ArgumentException($"robot spec '{Id}': control period must be positive, got {ControlPeriod}");
        if (SafeAction.Length != ActionSpace.Dimension)
            throw new ArgumentException(
                $"robot spec '{Id}': safe action has {SafeAction.Length} values, action space has {ActionSpace.Dimension}");
        if (!ActionSpace.Contains(SafeAction))
            throw new ArgumentException($"robot spec '{Id}': safe action is outside the action space");
        return this;
    }
}
