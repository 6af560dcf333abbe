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

    /// <summary>
    /// Not real-time. Two files of one deployment (a policy and the ensemble that gates it) must be for the
    /// same env, spaces and control period; throws <see cref="ModelCardMismatchException"/> naming the first difference.
    /// </summary>
    public static void EnsureSameProblem(ModelFile a, ModelFile b)
    {
        string an = Path.GetFileName(a.Path), bn = Path.GetFileName(b.Path);
        if (!string.Equals(a.Card.EnvId, b.Card.EnvId, StringComparison.Ordinal))
            Fail($"'{an}' is for env '{a.Card.EnvId}' but '{bn}' for '{b.Card.EnvId}'");
        SameSpace("observation", a.Card.ObservationSpace, b.Card.ObservationSpace, an, bn);
        SameSpace("action", a.Card.ActionSpace, b.Card.ActionSpace, an, bn);
        if (!Close(a.Card.ControlPeriodSeconds, b.Card.ControlPeriodSeconds))
            Fail($"'{an}' runs at {a.Card.ControlPeriodSeconds} s but '{bn}' at {b.Card.ControlPeriodSeconds} s");
    }

    private static void SameSpace(string what, CardSpace a, CardSpace b, string an, string bn)
    {
        if (a.Names.Length != b.Names.Length)
            Fail($"'{an}' has a {a.Names.Length}-d {what} space but '{bn}' a {b.Names.Length}-d one");
        for (int i = 0; i < a.Names.Length; i++)
        {
            if (!string.Equals(a.Names[i], b.Names[i], StringComparison.Ordinal))
                Fail($"{what} dimension {i} is '{a.Names[i]}' in '{an}' but '{b.Names[i]}' in '{bn}'");
            if (!Close(a.Low[i], b.Low[i]) || !Close(a.High[i], b.High[i]))
                Fail($"{what} '{a.Names[i]}' bounds [{a.Low[i]}, {a.High[i]}] in '{an}' differ from [{b.Low[i]}, {b.High[i]}] in '{bn}'");
        }
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
