using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Robotics.Core.Onnx;

/// <summary>
/// Protocol Buffers wire encoding, just enough for onnx.proto: varints, fixed32 floats, length-delimited
/// bytes/strings and nested messages. Nested messages are written to a scratch writer first so their
/// length prefix is known; ONNX models are written once, so the copy does not matter.
/// </summary>
internal sealed class ProtoWriter
{
    private const int WireVarint = 0, WireFixed64 = 1, WireLengthDelimited = 2, WireFixed32 = 5;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public void Int64(int field, long value)
    {
        Tag(field, WireVarint);
        Varint(unchecked((ulong)value)); // negative values take ten bytes, as protobuf's int64 does
    }

    public void Int32(int field, int value) => Int64(field, value);

    public void Float(int field, float value)
    {
        Tag(field, WireFixed32);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void Double(int field, double value)
    {
        Tag(field, WireFixed64);
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireLengthDelimited);
        Varint((ulong)value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }

    /// <summary>Copies already-encoded fields as they are.</summary>
    public void Raw(ReadOnlySpan<byte> encoded)
    {
        encoded.CopyTo(_buffer.GetSpan(encoded.Length));
        _buffer.Advance(encoded.Length);
    }

    /// <summary>Writes a string field; proto2 omits nothing, so empty strings are written only when asked.</summary>
    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>Writes a nested message whose body <paramref name="write"/> produces.</summary>
    public void Message<T>(int field, T value, Action<T, ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(value, inner);
        Bytes(field, inner.WrittenSpan);
    }

    private void Tag(int field, int wireType) => Varint(((ulong)(uint)field << 3) | (uint)wireType);

    private void Varint(ulong value)
    {
        Span<byte> span = _buffer.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        _buffer.Advance(n);
    }
}
