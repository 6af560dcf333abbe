namespace Robotics.Drivers.Serial;

/// <summary>
/// CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor; check("123456789") = 0x29B1.
/// Table-driven, allocation-free.
/// </summary>
public static class Crc16CcittFalse
{
    private static readonly ushort[] Table = BuildTable();

    public static ushort Compute(ReadOnlySpan<byte> data)
    {
        ushort crc = 0xFFFF;
        foreach (byte b in data) crc = (ushort)((crc << 8) ^ Table[(crc >> 8) ^ b]);
        return crc;
    }

    private static ushort[] BuildTable()
    {
        var t = new ushort[256];
        for (int i = 0; i < 256; i++)
        {
            ushort c = (ushort)(i << 8);
            for (int k = 0; k < 8; k++) c = (c & 0x8000) != 0 ? (ushort)((c << 1) ^ 0x1021) : (ushort)(c << 1);
            t[i] = c;
        }
        return t;
    }
}
