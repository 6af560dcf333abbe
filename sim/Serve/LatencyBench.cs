using Robotics.Core.Robots;
using Robotics.Drivers.Diagnostics;
using Robotics.Sim.Environments;

namespace Robotics.Sim.Serve;

/// <summary>One latency measurement: the robot's view and the runtime's.</summary>
public sealed record LatencyBenchResult(string Transport, LatencySummary StateToCommand, LatencySummary StateToWrite, long Rejected, long Dropped);

/// <summary>
/// State -> command latency over a real transport: a lock-step virtual pendulum publishes a state, the
/// runtime side reads it through its driver, a trivial policy (a damping torque) answers, and the robot
/// timestamps the command's arrival. Reported from the robot's clock (publish -> command arrival, so
/// both transport hops, the driver's parse and send path and the policy) and the runtime's (state
/// arrival -> Write returned). Samples after a warm-up.
/// </summary>
public static class LatencyBench
{
    public static async Task<LatencyBenchResult> RunAsync(string name, IRobotServerTransport robotSide, IRobotDriver driver,
        int samples, int warmup, TimeProvider time, Microsoft.Extensions.Logging.ILogger logger, CancellationToken ct)
    {
        var options = new VirtualRobotOptions { EnvId = "pendulum", RobotId = "bench", Lockstep = true };
        var robot = new VirtualRobot(EnvironmentRegistry.Create("pendulum"), options, robotSide, time, logger);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var serving = Task.Run(() => robot.RunAsync(stop.Token), CancellationToken.None);
        try
        {
            var spec = await driver.ConfigureAsync(ct);
            await driver.ActivateAsync(ct);
            var state = new StateBuffer(spec.ObservationSpace.Dimension);
            var command = new CommandBuffer(spec.ActionSpace.Dimension) { TtlMs = 500 };
            var runtimeSide = new LatencyRecorder(samples, time.TimestampFrequency);
            long last = long.MinValue;
            for (int i = 0; i < warmup + samples; i++)
            {
                if (!await driver.WaitForStateAsync(last, TimeSpan.FromSeconds(5), ct))
                    throw new TimeoutException($"{name}: no state after seq {last} (sample {i})");
                // Lock-step: this state exists because the robot took the previous command, whose latency is recorded.
                if (i == warmup) robot.Latency.Clear();
                driver.TryRead(state, last);
                last = state.Seq;
                command.Seq++;
                command.StateSeq = state.Seq;
                command.Action[0] = -0.1f * state.Obs[^1]; // trivial policy
                driver.Write(command);
                if (i >= warmup) runtimeSide.Record(time.GetTimestamp() - state.ReceivedTimestamp);
            }
            // The last command's arrival is measured on the robot; give it a moment.
            await Task.Delay(50, ct);
            var counters = (driver as Robotics.Drivers.Common.IDriverDiagnostics)?.Counters;
            return new LatencyBenchResult(name, robot.Latency.Summarize(), runtimeSide.Summarize(),
                counters?.StatesRejected ?? 0, counters?.CommandsDropped ?? 0);
        }
        finally
        {
            await driver.ShutdownAsync(CancellationToken.None);
            stop.Cancel();
            try { await serving; } catch (OperationCanceledException) { }
            await robotSide.DisposeAsync();
        }
    }
}
