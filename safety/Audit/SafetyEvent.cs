using Robotics.Core.Robots;

namespace Robotics.Safety.Audit;

/// <summary>
/// One audit record: a check acted on the command for state <see cref="StateSeq"/> at <see cref="Time"/>.
/// <see cref="Dim"/> is the offending dimension (-1 when the check is not about one), <see cref="Value"/>
/// what was seen and <see cref="Limit"/> what it was held against. An e-stop release is recorded as
/// check <see cref="SafetyCheck.EStop"/> with decision <see cref="SafetyDecision.Ok"/>.
/// </summary>
public readonly record struct SafetyEvent(
    SafetyCheck Check, SafetyDecision Decision, DateTimeOffset Time, long StateSeq, int Dim, float Value, float Limit)
{
    public bool IsEStopRelease => Check == SafetyCheck.EStop && Decision == SafetyDecision.Ok;
}
