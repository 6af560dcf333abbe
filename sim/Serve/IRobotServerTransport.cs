using Robotics.Core.Robots;
using Robotics.Drivers.Common;

namespace Robotics.Sim.Serve;

/// <summary>What a virtual robot hears from its transport. Called on the transport's receive thread; must not block.</summary>
public interface IRobotServerHandler
{
    /// <summary>Whether the robot's e-stop is latched (the transport announces it in its status / heartbeat).</summary>
    bool EStopEngaged { get; }

    /// <summary>
    /// A well-formed command from controller session <paramref name="session"/> (0: unidentified, e.g. serial or
    /// a stock client); <paramref name="command"/> is only valid during the call.
    /// </summary>
    void OnCommand(CommandBuffer command, ulong session);

    /// <summary>An engage (anyone), or a step of a reset, which the transport passes on only from the operator role.</summary>
    void OnEStop(EStopAction action, string reason);

    /// <summary>The controller announced a clean shutdown: its lease ends now.</summary>
    void OnControllerOffline();
}

/// <summary>The robot side of a wire protocol: publishes spec, states and status; delivers commands and e-stops.</summary>
public interface IRobotServerTransport : IAsyncDisposable
{
    string Description { get; }

    /// <summary>Connects/opens and announces the spec (retained on MQTT; on request and at start on serial).</summary>
    Task StartAsync(RobotSpec spec, IRobotServerHandler handler, CancellationToken ct);

    /// <summary>Sends one state; never throws on a broken link (counts instead).</summary>
    ValueTask PublishStateAsync(StateBuffer state, CancellationToken ct);

    /// <summary>Announces whether the robot's e-stop is engaged (status topic / heartbeat).</summary>
    ValueTask PublishStatusAsync(bool estopEngaged, CancellationToken ct);

    /// <summary>The robot's own e-stop (a button on the robot): tells the runtime (retained e-stop topic / e-stop frame).</summary>
    ValueTask PublishEStopAsync(string reason, CancellationToken ct);

    /// <summary>After a re-arm: removes a retained engage so a reconnecting runtime or robot does not re-latch on it.</summary>
    ValueTask ClearEStopAsync(CancellationToken ct);

    /// <summary>Clean stop: retained "offline" / an Offline heartbeat.</summary>
    Task StopAsync(CancellationToken ct);
}
