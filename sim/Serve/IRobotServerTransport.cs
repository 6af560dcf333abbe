using Robotics.Core.Robots;

namespace Robotics.Sim.Serve;

/// <summary>What a virtual robot hears from its transport. Called on the transport's receive thread; must not block.</summary>
public interface IRobotServerHandler
{
    /// <summary>A well-formed command; <paramref name="command"/> is only valid during the call.</summary>
    void OnCommand(CommandBuffer command);

    void OnEStop(bool engage, string reason);
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
    ValueTask PublishEStopAsync(bool engage, string reason, CancellationToken ct);

    /// <summary>Clean stop: retained "offline" / an Offline heartbeat.</summary>
    Task StopAsync(CancellationToken ct);
}
