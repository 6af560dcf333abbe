using Microsoft.Extensions.Logging;
using Robotics.Core.Robots;
using Robotics.Drivers.Common;
using Robotics.Drivers.Serial;

namespace Robotics.Sim.Serve;

/// <summary>
/// The robot side of the serial protocol: sends its spec at start and on every spec request, states
/// through the link's latest-wins slot, and its e-stop state in heartbeats; hears commands and e-stops
/// (engage, and the two reset steps: the link is point to point, its far end is the operator's station).
/// </summary>
public sealed class SerialRobotServer(SerialLinkOptions options, TimeProvider time, ILogger logger) : IRobotServerTransport
{
    private SerialLink? _link;
    private IRobotServerHandler? _handler;
    private CommandBuffer? _command;
    private byte[] _spec = [];
    private byte[] _statePayload = [];
    private long _lastStateSeq;
    private uint? _session;

    /// <summary>The session id every state carries (a new one per start); null: the start time in ms.</summary>
    public uint? Session { get; init; }
    /// <summary>False plays an old robot whose states carry no session.</summary>
    public bool SendSession { get; init; } = true;

    public DriverCounters Counters { get; } = new();
    public string Description => _link?.Description ?? options.PortPath;

    public async Task StartAsync(RobotSpec spec, IRobotServerHandler handler, CancellationToken ct)
    {
        _handler = handler;
        _command = new CommandBuffer(spec.ActionSpace.Dimension);
        _spec = SerialPayloads.WriteSpec(spec);
        _session = SendSession ? Session ?? RobotSession.FromStartTime(time) : null;
        _statePayload = new byte[SerialPayloads.StateLength(spec.ObservationSpace.Dimension, withSession: true)];
        _link = new SerialLink(options, OnFrame, Counters, time, logger);
        _link.Status = handler.EStopEngaged ? LinkStatus.EStopEngaged : LinkStatus.Online; // a latch kept across a restart
        await _link.OpenAsync(ct);
        _link.PostControl(FrameType.Spec, _spec);
    }

    public ValueTask PublishStateAsync(StateBuffer state, CancellationToken ct)
    {
        Interlocked.Exchange(ref _lastStateSeq, state.Seq);
        int n = SerialPayloads.WriteState(_statePayload, state, _session);
        _link!.PostLatest(FrameType.State, _statePayload.AsSpan(0, n));
        return ValueTask.CompletedTask;
    }

    public ValueTask PublishStatusAsync(bool estopEngaged, CancellationToken ct)
    {
        _link!.Status = estopEngaged ? LinkStatus.EStopEngaged : LinkStatus.Online;
        return ValueTask.CompletedTask;
    }

    public ValueTask PublishEStopAsync(string reason, CancellationToken ct)
    {
        var payload = new byte[256];
        int n = SerialPayloads.WriteEStop(payload, EStopAction.Engage, reason);
        _link!.PostControl(FrameType.EStop, payload.AsSpan(0, n));
        return ValueTask.CompletedTask;
    }

    /// <summary>Serial has no retained messages: the heartbeat carries the latch.</summary>
    public ValueTask ClearEStopAsync(CancellationToken ct) => ValueTask.CompletedTask;

    public Task StopAsync(CancellationToken ct)
    {
        _link?.Close();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _link?.Dispose();
        return ValueTask.CompletedTask;
    }

    private void OnFrame(FrameType type, uint seq, ReadOnlySpan<byte> payload)
    {
        switch (type)
        {
            case FrameType.SpecRequest:
                _link!.PostControl(FrameType.Spec, _spec);
                break;
            case FrameType.Command:
                if (!SerialPayloads.ReadCommand(payload, _command!))
                {
                    Counters.RecordCommandRejected();
                    break;
                }
                // The wire carries the low 32 bits of the answered state's seq; extend it near our newest.
                long last = Interlocked.Read(ref _lastStateSeq);
                _command!.StateSeq = last - (int)((uint)last - (uint)_command.StateSeq);
                _command.Seq = seq;
                _handler!.OnCommand(_command, 0); // point to point: one controller, no session on the wire
                break;
            case FrameType.EStop:
                Counters.RecordEStopMessage();
                // Point to point: the runtime's end of the cable is the operator's station, so reset steps count.
                if (SerialPayloads.ReadEStop(payload, out var action, out string reason)) _handler!.OnEStop(action, reason);
                else _handler!.OnEStop(EStopAction.Engage, "unreadable e-stop frame");
                break;
        }
    }
}
