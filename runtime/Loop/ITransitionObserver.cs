namespace Robotics.Runtime.Loop;

/// <summary>
/// Watches each transition the loop closes, after the fact (e.g. the actuator-fault monitor): the state the
/// command answered, the command sent, the state the robot reported next. Called by <see cref="ControlLoop.Tick"/>
/// on the loop's thread; implementations must not block or allocate and must not throw.
/// </summary>
public interface ITransitionObserver
{
    /// <summary>Not real-time. A new episode starts (called by the loop before its first tick).</summary>
    void Reset();

    /// <summary>
    /// Hot path. <paramref name="obs"/> -> <paramref name="sent"/> -> <paramref name="nextObs"/>; <paramref name="robotSteps"/>
    /// is how many robot steps lie between the two states (more than one: the loop missed states, latest wins);
    /// <paramref name="commandDelay"/> is, in real time, how long after <paramref name="obs"/> arrived the command was written
    /// (<paramref name="sent"/>: the last one written for it, the safe action when the loop re-answered a silent robot)
    /// (a late one may have reached the robot after its next step; zero lock-step, where the robot waits);
    /// <paramref name="commandOnTime"/> is the robot's own word on the step into <paramref name="nextObs"/> (state field
    /// <c>on_time</c>): false when it applied an older command, its safe action or an e-stop instead of this one, null
    /// when the robot does not say (<see cref="Robotics.Core.Robots.StateBuffer.CommandOnTime"/>).
    /// </summary>
    void Observe(ReadOnlySpan<float> obs, ReadOnlySpan<float> sent, ReadOnlySpan<float> nextObs, long robotSteps, TimeSpan commandDelay, bool? commandOnTime);
}
