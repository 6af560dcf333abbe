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
    /// <summary>A seq further ahead of the newest than the sequencer's window (forged or corrupt).</summary>
    TooFarAhead,
}

/// <summary>
/// Checks a parsed state before it becomes readable: observation length already enforced by the
/// parser, here finiteness; ordering is the <see cref="StateSequencer"/>'s. Allocation-free.
/// </summary>
internal static class StateValidator
{
    public static StateRejection Check(StateBuffer s)
    {
        foreach (float v in s.Obs)
            if (!float.IsFinite(v)) return StateRejection.NonFinite;
        if (!float.IsFinite(s.Reward) || !double.IsFinite(s.Time)) return StateRejection.NonFinite;
        return StateRejection.None;
    }

    /// <summary>The rejection a sequencer verdict stands for (None for accepted and restarted states).</summary>
    public static StateRejection Of(SeqVerdict v) => v switch
    {
        SeqVerdict.OutOfOrder => StateRejection.OutOfOrder,
        SeqVerdict.TooFarAhead => StateRejection.TooFarAhead,
        _ => StateRejection.None,
    };
}
