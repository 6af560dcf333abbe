using System.Collections.Concurrent;
using Robotics.Core.Robots;
using Robotics.Drivers.Common;
using Robotics.Drivers.Serial;

namespace Robotics.Drivers.Tests.Fixtures;

/// <summary>
/// A serial device in memory: answers spec requests with <paramref name="spec"/>, records the frames the
/// link writes, and can hold the link's writer thread inside <see cref="Write"/> on the next command frame
/// (a device that stopped draining), until <see cref="ReleaseWriter"/>.
/// </summary>
internal sealed class FakeSerialDevice(RobotSpec spec) : ISerialTransport
{
    private readonly BlockingCollection<byte[]> _toLink = new();
    private readonly FrameDecoder _decoder = new(new DriverCounters());
    private readonly CommandBuffer _command = new(spec.ActionSpace.Dimension);
    private readonly ManualResetEventSlim _release = new(true);
    private readonly ConcurrentQueue<long> _commandStateSeqs = new();
    private readonly ConcurrentQueue<FrameType> _frames = new();
    private volatile bool _holdNextCommand;
    private uint _seq;

    public string Description => "fake serial device";

    /// <summary>Set when the writer thread is parked inside Write on a held command.</summary>
    public ManualResetEventSlim WriterHeld { get; } = new(false);

    /// <summary>The state_seq of every command frame written, in order.</summary>
    public long[] CommandStateSeqs => [.. _commandStateSeqs];

    /// <summary>Every frame type written, in order.</summary>
    public FrameType[] Frames => [.. _frames];

    public int Count(FrameType type) => _frames.Count(f => f == type);

    /// <summary>The next command frame parks the writer in Write until <see cref="ReleaseWriter"/>.</summary>
    public void HoldNextCommand()
    {
        _release.Reset();
        WriterHeld.Reset();
        _holdNextCommand = true;
    }

    public void ReleaseWriter() => _release.Set();

    public void Write(ReadOnlySpan<byte> data) => _decoder.Feed(data, OnFrame);

    private void OnFrame(FrameType type, uint seq, ReadOnlySpan<byte> payload)
    {
        _frames.Enqueue(type);
        if (type == FrameType.SpecRequest) Send(FrameType.Spec, SerialPayloads.WriteSpec(spec));
        if (type != FrameType.Command) return;
        if (!SerialPayloads.ReadCommand(payload, _command)) throw new InvalidDataException("fake serial device: unreadable command frame");
        _commandStateSeqs.Enqueue(_command.StateSeq);
        if (_holdNextCommand)
        {
            _holdNextCommand = false;
            WriterHeld.Set();
            if (!_release.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException("fake serial device: never released");
        }
    }

    private void Send(FrameType type, ReadOnlySpan<byte> payload)
    {
        var wire = new byte[FrameCodec.MaxWireLength];
        int n = FrameCodec.Encode(type, _seq++, payload, wire);
        _toLink.Add(wire[..n]);
    }

    public int Read(Span<byte> buffer)
    {
        if (_toLink.IsAddingCompleted || !_toLink.TryTake(out var chunk, 100)) return 0;
        chunk.CopyTo(buffer);
        return chunk.Length;
    }

    public bool Close(TimeSpan timeout)
    {
        _toLink.CompleteAdding();
        _release.Set();
        return true;
    }
}
