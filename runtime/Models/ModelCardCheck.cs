using Robotics.Core.Models;
using Robotics.Core.Robots;
using Robotics.Core.Spaces;

namespace Robotics.Runtime.Models;

/// <summary>
/// Checks that a model card was made for a robot: same environment, same spaces (names, dimensions,
/// bounds) and the same control period. Run before the first command, so a wrong model never moves a robot.
/// </summary>
public static class ModelCardCheck
{
    /// <summary>Relative tolerance for bounds and period (cards round-trip through JSON text).</summary>
    private const double Tolerance = 1e-6;

    /// <summary>Not real-time. Throws <see cref="ModelCardMismatchException"/> naming the first mismatch.</summary>
    public static void EnsureMatches(ModelCard card, RobotSpec spec)
    {
        if (!string.Equals(card.EnvId, spec.EnvId, StringComparison.Ordinal))
            Fail($"model was trained for env '{card.EnvId}' but robot '{spec.Id}' is '{spec.EnvId}'");
        CheckSpace("observation", card.ObservationSpace, spec.ObservationSpace, spec.Id);
        CheckSpace("action", card.ActionSpace, spec.ActionSpace, spec.Id);
        double robotPeriod = spec.ControlPeriod.TotalSeconds;
        if (!Close(card.ControlPeriodSeconds, robotPeriod))
            Fail($"model control period is {card.ControlPeriodSeconds} s but robot '{spec.Id}' runs at {robotPeriod} s");
    }

    private static void CheckSpace(string what, CardSpace card, BoxSpace robot, string robotId)
    {
        if (card.Names.Length != robot.Dimension)
            Fail($"model {what} space has {card.Names.Length} dimensions but robot '{robotId}' has {robot.Dimension}");
        for (int i = 0; i < robot.Dimension; i++)
        {
            if (!string.Equals(card.Names[i], robot.Names[i], StringComparison.Ordinal))
                Fail($"model {what} dimension {i} is '{card.Names[i]}' but robot '{robotId}' has '{robot.Names[i]}'");
            if (!Close(card.Low[i], robot.Low[i]) || !Close(card.High[i], robot.High[i]))
                Fail($"model {what} '{card.Names[i]}' bounds [{card.Low[i]}, {card.High[i]}] differ from robot '{robotId}' [{robot.Low[i]}, {robot.High[i]}]");
        }
    }

    private static bool Close(double a, double b) =>
        a == b || Math.Abs(a - b) <= Tolerance * Math.Max(Math.Abs(a), Math.Abs(b));

    private static void Fail(string message) => throw new ModelCardMismatchException(message);
}
