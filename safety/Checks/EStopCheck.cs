using Robotics.Core.Robots;

namespace Robotics.Safety.Checks;

/// <summary>
/// Check 2: while the latch is engaged only the safe action goes out. Release needs the two explicit steps
/// (<see cref="EStopLatch.RequestRelease"/>, then <see cref="EStopLatch.ReArm"/>) and a state that arrived
/// after the re-arm, so a release never acts on a state observed before the operator decided to release.
/// </summary>
public sealed class EStopCheck(EStopLatch latch) : CheckCounter(SafetyCheck.EStop)
{
    public EStopLatch Latch { get; } = latch;

    /// <summary>
    /// Hot path, allocation-free. True when the stop holds for this state; completes a pending release
    /// (and reports it in <paramref name="released"/>) when the state is fresh enough.
    /// </summary>
    public bool Holds(StateBuffer state, out bool released)
    {
        released = false;
        if (!Latch.IsEngaged) return false;
        if (Latch.TryCompleteRelease(state.ReceivedTimestamp)) { released = true; return false; }
        return true;
    }
}
