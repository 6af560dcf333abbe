using Robotics.Core.Robots;

namespace Robotics.Drivers.Tests.Fixtures;

/// <summary>What one episode through a driver looked like.</summary>
internal sealed record EpisodeRun(int States, int UpInLast50, bool Ended, long LastSeq, List<float> Angles);

/// <summary>
/// A minimal control loop standing in for the runtime's (read -> act -> write, answering each state):
/// enough to drive a robot through a driver in the hardware-in-the-loop tests.
/// </summary>
internal static class TestLoop
{
    public static async Task<EpisodeRun> RunEpisodeAsync(IRobotDriver driver, RobotSpec spec, Func<StateBuffer, float> policy,
        int maxStates, CancellationToken ct, long afterSeq = long.MinValue, TimeSpan? stateTimeout = null, int ttlMs = 500)
    {
        var state = new StateBuffer(spec.ObservationSpace.Dimension);
        var command = new CommandBuffer(spec.ActionSpace.Dimension);
        var angles = new List<float>();
        long last = afterSeq;
        bool ended = false;
        int states = 0;
        while (states < maxStates)
        {
            if (!await driver.WaitForStateAsync(last, stateTimeout ?? TimeSpan.FromSeconds(5), ct))
                throw new TimeoutException($"no state after seq {last} ({states} states so far)");
            Assert.True(driver.TryRead(state, last));
            Assert.True(state.Seq > last);
            last = state.Seq;
            states++;
            angles.Add(MathF.Atan2(state.Obs[1], state.Obs[0]));
            command.Action[0] = policy(state);
            command.Seq++;
            command.StateSeq = state.Seq;
            command.TtlMs = ttlMs;
            command.Safety = SafetyDecision.Ok;
            driver.Write(command);
            if (state.Terminated || state.Truncated) { ended = true; break; }
        }
        int up = angles.TakeLast(50).Count(a => MathF.Abs(a) < 0.3f);
        return new EpisodeRun(states, up, ended, last, angles);
    }

    /// <summary>Answers every state with <paramref name="action"/>() until cancelled, across episodes (a controller that never gives up).</summary>
    public static async Task DriveAsync(IRobotDriver driver, RobotSpec spec, Func<float> action, CancellationToken ct, int ttlMs = 500)
    {
        long last = long.MinValue;
        try
        {
            while (!ct.IsCancellationRequested)
                last = (await RunEpisodeAsync(driver, spec, _ => action(), int.MaxValue, ct, last, ttlMs: ttlMs)).LastSeq;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }
}
