using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Robots;
using Robotics.Runtime.Controllers;
using Robotics.Runtime.Robots;

namespace Robotics.Runtime.Session;

/// <summary>What a session is given rather than configured with: how addresses become drivers, the clock, the log, the e-stop latch and the controller plug-ins.</summary>
public sealed record SessionServices
{
    public RobotConnect Connect { get; init; } = RobotConnector.Connect;
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public ILogger Logger { get; init; } = NullLogger.Instance;
    public EStopLatch EStop { get; init; } = new();
    public ControllerRegistry Registry { get; init; } = ControllerRegistry.CreateDefault();
}
