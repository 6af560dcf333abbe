using System.Buffers.Binary;

namespace Robotics.Drivers.Serial;

/// <summary>
/// One frame on the wire: <c>0x00 COBS(type u8 | seq u32 LE | payload | crc16 LE) 0x00</c>, the CRC
/// (CRC-16/CCITT-FALSE) over type, seq and payload. The leading delimiter lets a receiver drop any
/// garbage before the frame without losing the frame itself. Allocation-free.
/// </summary>
public static class FrameCodec
{
    public const int HeaderLength = 5, CrcLength = 2;
    /// <summary>Largest payload either side sends or accepts.</summary>
    public const int MaxPayload = 1024;
    public const int MaxRawLength = HeaderLength + MaxPayload + CrcLength;
    public static readonly int MaxWireLength = Cobs.MaxEncodedLength(MaxRawLength) + 2;

    /// <summary>Encodes one frame with both delimiters into <paramref name="dst"/>; returns the byte count.</summary>
    public static int Encode(FrameType type, uint seq, ReadOnlySpan<byte> payload, Span<byte> dst)
    {
        if (payload.Length > MaxPayload) throw new ArgumentException($"serial frame payload of {payload.Length} bytes exceeds {MaxPayload}");
        Span<byte> raw = stackalloc byte[MaxRawLength];
        raw[0] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(raw[1..], seq);
        payload.CopyTo(raw[HeaderLength..]);
        int n = HeaderLength + payload.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(raw[n..], Crc16CcittFalse.Compute(raw[..n]));
        n += CrcLength;
        dst[0] = 0;
        int len = Cobs.Encode(raw[..n], dst[1..]);
        dst[1 + len] = 0;
        return len + 2;
    }
}
