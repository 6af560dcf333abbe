using Robotics.Core.Robots;

namespace Robotics.Runtime.Loop;

/// <summary>
/// What a service watches the loop through (metrics, health, the systemd watchdog): called by
/// <see cref="ControlLoop.Tick"/> on the loop's thread. Hot path: implementations must not block, lock or
/// allocate, and should only write counters other threads read.
/// </summary>
public interface ILoopMonitor
{
    /// <summary>Hot path. Every call of <see cref="ControlLoop.Tick"/>, whether or not a state came (the loop is alive).</summary>
    void TickStarted(long timestamp);

    /// <summary>
    /// Hot path. A state was answered: its observation, how many robot states it stood for (more than one: the
    /// loop missed some, latest wins), the plan and whole-tick time and the time since the previous tick (0 when
    /// none) in <see cref="TimeProvider"/> ticks, the period it was due in, and what the gate did.
    /// </summary>
    void StateAnswered(StateBuffer state, long robotSteps, long planTicks, long tickTicks, long sinceTicks, long periodTicks, SafetyDecision decision);

    /// <summary>Hot path. The loop sent its own safe action: the robot was silent (<paramref name="stale"/>) or a plan came too late.</summary>
    void SafeActionSent(bool stale);
}
