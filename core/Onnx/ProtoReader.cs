using System.Buffers.Binary;

namespace Robotics.Core.Onnx;

/// <summary>Just enough protobuf wire decoding to read ONNX files back (initializers, metadata).</summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    public const int WireVarint = 0, WireFixed64 = 1, WireLength = 2, WireFixed32 = 5;
    private readonly ReadOnlySpan<byte> _data = data;
    private int _pos;

    public readonly bool End => _pos >= _data.Length;
    /// <summary>Bytes read so far (the offset of the next field).</summary>
    public readonly int Position => _pos;

    public (int Field, int Wire) Tag()
    {
        ulong v = Varint();
        return ((int)(v >> 3), (int)(v & 7));
    }

    public ulong Varint()
    {
        ulong v = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _data.Length) throw new InvalidDataException("ONNX model: truncated varint");
            byte b = _data[_pos++];
            v |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return v;
        }
        throw new InvalidDataException("ONNX model: varint too long");
    }

    public float Float()
    {
        if (_pos + 4 > _data.Length) throw new InvalidDataException("ONNX model: truncated float");
        float f = BinaryPrimitives.ReadSingleLittleEndian(_data[_pos..]);
        _pos += 4;
        return f;
    }

    public ReadOnlySpan<byte> Bytes()
    {
        ulong len = Varint();
        if (len > (ulong)(_data.Length - _pos)) throw new InvalidDataException("ONNX model: truncated field");
        var s = _data.Slice(_pos, (int)len);
        _pos += (int)len;
        return s;
    }

    public void Skip(int wire)
    {
        switch (wire)
        {
            case WireVarint: Varint(); break;
            case WireFixed64: _pos += 8; break;
            case WireLength: Bytes(); break;
            case WireFixed32: _pos += 4; break;
            default: throw new InvalidDataException($"ONNX model: unsupported wire type {wire}");
        }
        if (_pos > _data.Length) throw new InvalidDataException("ONNX model: truncated field");
    }
}
