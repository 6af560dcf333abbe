using Robotics.Core.Robots;

namespace Robotics.Drivers.Common;

/// <summary>Why a received state was not passed on to the loop.</summary>
public enum StateRejection : byte
{
    None = 0,
    Malformed,
    WrongLength,
    NonFinite,
    OutOfOrder,
}

/// <summary>
/// Checks a parsed state before it becomes readable: observation length already enforced by the
/// parser, here finiteness and ordering. Allocation-free.
/// </summary>
internal static class StateValidator
{
    public static StateRejection Check(StateBuffer s, long previousSeq)
    {
        foreach (float v in s.Obs)
            if (!float.IsFinite(v)) return StateRejection.NonFinite;
        if (!float.IsFinite(s.Reward) || !double.IsFinite(s.Time)) return StateRejection.NonFinite;
        // Duplicates and reordered states would make the loop act twice on one observation.
        if (s.Seq <= previousSeq) return StateRejection.OutOfOrder;
        return StateRejection.None;
    }
}
