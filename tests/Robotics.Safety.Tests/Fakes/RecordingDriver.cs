using Robotics.Core.Robots;

namespace Robotics.Safety.Tests.Fakes;

/// <summary>A command as the driver received it.</summary>
public sealed record ReceivedCommand(long StateSeq, float[] Action, SafetyDecision Safety);

/// <summary>A robot driver that records every command written to it; states come from the test.</summary>
public sealed class RecordingDriver : IRobotDriver
{
    public List<ReceivedCommand> Received { get; } = [];
    public ReceivedCommand Last => Received[^1];

    public ValueTask<RobotSpec> ConfigureAsync(CancellationToken ct) => throw new NotSupportedException("test driver");
    public ValueTask ActivateAsync(CancellationToken ct) => ValueTask.CompletedTask;
    public ValueTask DeactivateAsync(CancellationToken ct) => ValueTask.CompletedTask;
    public ValueTask ShutdownAsync(CancellationToken ct) => ValueTask.CompletedTask;
    public bool TryRead(StateBuffer state, long afterSeq) => false;
    public ValueTask<bool> WaitForStateAsync(long afterSeq, TimeSpan timeout, CancellationToken ct) => ValueTask.FromResult(false);
    public void Write(CommandBuffer command) =>
        Received.Add(new ReceivedCommand(command.StateSeq, (float[])command.Action.Clone(), command.Safety));
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
