namespace Robotics.Core.Robots;

/// <summary>
/// A robot as the control loop sees it: a lifecycle plus Read/Write over typed buffers (ros2_control's
/// hardware component). Controllers and planners never touch a transport.
/// <para>
/// Episode semantics for simulated robots: a state with Terminated or Truncated set ends an episode; the
/// robot resets on the next command it receives and does not apply that command's action.
/// </para>
/// </summary>
public interface IRobotDriver : IAsyncDisposable
{
    /// <summary>Not real-time. Connects and learns the robot's spec (for MQTT, from the retained spec topic).</summary>
    ValueTask<RobotSpec> ConfigureAsync(CancellationToken ct);

    /// <summary>Not real-time. Starts the flow of states and commands.</summary>
    ValueTask ActivateAsync(CancellationToken ct);

    /// <summary>Not real-time. Stops commanding (the robot falls back to its safe action on ttl).</summary>
    ValueTask DeactivateAsync(CancellationToken ct);

    /// <summary>Not real-time. Releases the transport; must not trigger a reconnect.</summary>
    ValueTask ShutdownAsync(CancellationToken ct);

    /// <summary>
    /// Real-time, non-blocking, allocation-free. Copies the latest state into <paramref name="state"/>;
    /// returns false when no state newer than <paramref name="afterSeq"/> has arrived.
    /// </summary>
    bool TryRead(StateBuffer state, long afterSeq);

    /// <summary>
    /// Waits until a state newer than <paramref name="afterSeq"/> arrives or the timeout passes. Used by
    /// lock-step loops; real-time loops use <see cref="TryRead"/>.
    /// </summary>
    ValueTask<bool> WaitForStateAsync(long afterSeq, TimeSpan timeout, CancellationToken ct);

    /// <summary>Real-time, non-blocking, allocation-free. Sends one command; the gate has already vetted it.</summary>
    void Write(CommandBuffer command);
}
