using Robotics.Runtime.Controllers;
using Robotics.Runtime.Robots;

namespace Robotics.Runtime.Service;

/// <summary>What <c>serve</c> is given rather than configured with (tests inject fakes).</summary>
public sealed record ServeServices
{
    public RobotConnect Connect { get; init; } = RobotConnector.Connect;
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public ControllerRegistry? Registry { get; init; }
    /// <summary>Environment variables to read instead of the process's (tests); null: the process's.</summary>
    public IDictionary<string, string?>? Environment { get; init; }
    /// <summary>Called with the running host's state once it is built (tests).</summary>
    public Action<ServiceState>? OnStarted { get; init; }
}
