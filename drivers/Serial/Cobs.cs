namespace Robotics.Drivers.Serial;

/// <summary>
/// Consistent Overhead Byte Stuffing: removes every 0x00 from a block so 0x00 can delimit frames.
/// Overhead is one byte per 254 bytes (plus one). Allocation-free.
/// </summary>
public static class Cobs
{
    /// <summary>Largest encoded size of <paramref name="length"/> bytes (without delimiter).</summary>
    public static int MaxEncodedLength(int length) => length + length / 254 + 1;

    /// <summary>Encodes <paramref name="src"/> into <paramref name="dst"/>; returns the encoded length (no delimiter).</summary>
    public static int Encode(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int codeAt = 0, w = 1;
        byte code = 1;
        foreach (byte b in src)
        {
            if (b == 0)
            {
                dst[codeAt] = code;
                codeAt = w++;
                code = 1;
                continue;
            }
            dst[w++] = b;
            if (++code == 0xFF)
            {
                dst[codeAt] = code;
                codeAt = w++;
                code = 1;
            }
        }
        dst[codeAt] = code;
        return w;
    }

    /// <summary>
    /// Decodes one block (without its delimiter). Returns the decoded length, or -1 when the block is not
    /// valid COBS (a zero byte inside, or a code pointing past the end).
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int r = 0, w = 0;
        while (r < src.Length)
        {
            byte code = src[r];
            if (code == 0 || r + code > src.Length) return -1;
            r++;
            for (int i = 1; i < code; i++)
            {
                byte b = src[r++];
                if (b == 0 || w >= dst.Length) return -1;
                dst[w++] = b;
            }
            // A group shorter than 0xFF stands for "data then a zero", except at the very end.
            if (code != 0xFF && r < src.Length)
            {
                if (w >= dst.Length) return -1;
                dst[w++] = 0;
            }
        }
        return w;
    }
}
