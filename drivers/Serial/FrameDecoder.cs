using System.Buffers.Binary;
using Robotics.Drivers.Common;

namespace Robotics.Drivers.Serial;

/// <summary>Receives one good frame: its type, sequence number and payload (valid only during the call).</summary>
public delegate void FrameHandler(FrameType type, uint seq, ReadOnlySpan<byte> payload);

/// <summary>
/// Splits a byte stream at 0x00 delimiters and checks each block: COBS, length, CRC, known type.
/// Anything that fails is dropped and counted; the next delimiter starts afresh, so the stream
/// resynchronises after garbage, truncated frames or bit errors. Allocation-free; one reader thread.
/// </summary>
public sealed class FrameDecoder(DriverCounters counters)
{
    private readonly byte[] _block = new byte[FrameCodec.MaxWireLength];
    private readonly byte[] _raw = new byte[FrameCodec.MaxRawLength];
    private int _length;
    private bool _overflow;
    private bool _haveSeq;
    private uint _lastSeq;

    /// <summary>Feeds received bytes; calls <paramref name="handler"/> for every good frame.</summary>
    public void Feed(ReadOnlySpan<byte> bytes, FrameHandler handler)
    {
        foreach (byte b in bytes)
        {
            if (b != 0)
            {
                if (_length < _block.Length) _block[_length++] = b;
                else _overflow = true;
                continue;
            }
            if (_overflow) counters.Inc(ref counters._framesDropped);
            else if (_length > 0) Check(_block.AsSpan(0, _length), handler);
            _length = 0;
            _overflow = false;
        }
    }

    private void Check(ReadOnlySpan<byte> block, FrameHandler handler)
    {
        int n = Cobs.Decode(block, _raw);
        if (n < FrameCodec.HeaderLength + FrameCodec.CrcLength)
        {
            counters.Inc(ref counters._framesDropped);
            return;
        }
        var raw = _raw.AsSpan(0, n);
        ushort crc = BinaryPrimitives.ReadUInt16LittleEndian(raw[^2..]);
        if (crc != Crc16CcittFalse.Compute(raw[..^2]))
        {
            counters.Inc(ref counters._badCrc);
            counters.Inc(ref counters._framesDropped);
            return;
        }
        var type = (FrameType)raw[0];
        if (type is < FrameType.SpecRequest or > FrameType.Heartbeat)
        {
            counters.Inc(ref counters._framesDropped);
            return;
        }
        uint seq = BinaryPrimitives.ReadUInt32LittleEndian(raw[1..]);
        if (_haveSeq && seq != _lastSeq + 1) counters.Inc(ref counters._seqGaps);
        _haveSeq = true;
        _lastSeq = seq;
        handler(type, seq, raw[FrameCodec.HeaderLength..^FrameCodec.CrcLength]);
    }
}
