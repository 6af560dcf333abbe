using System.Buffers.Binary;
using System.Text;

namespace Robotics.Trainer.Tests.Native;

/// <summary>
/// Writes minimal little-endian ELF64 files with just the sections the GLIBCXX compatibility step reads:
/// .dynstr, .dynsym, .gnu.version, .gnu.version_r, .rela.dyn and optionally .gnu.version_d.
/// </summary>
internal static class SyntheticElf
{
    /// <summary>
    /// A shared object needing <paramref name="needs"/> (library -> versions, version indices from 2 in
    /// order). <paramref name="symbolVersions"/> gives each dynamic symbol's version index;
    /// <paramref name="relocated"/> lists symbol indices referenced by a relocation.
    /// </summary>
    public static byte[] SharedObject((string File, string[] Versions)[] needs, ushort[] symbolVersions, uint[] relocated)
    {
        var strings = new StringTable();
        var verneed = new List<byte>();
        ushort index = 2;
        for (int i = 0; i < needs.Length; i++)
        {
            var (file, versions) = needs[i];
            var entry = new byte[16];
            BinaryPrimitives.WriteUInt16LittleEndian(entry, 1);
            BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(2), (ushort)versions.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(4), strings.Add(file));
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(8), 16);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(12), i == needs.Length - 1 ? 0u : (uint)(16 + 16 * versions.Length));
            verneed.AddRange(entry);
            for (int j = 0; j < versions.Length; j++)
            {
                var aux = new byte[16];
                BinaryPrimitives.WriteUInt32LittleEndian(aux, 0x0abc0000u + index); // hash: unused by the step
                BinaryPrimitives.WriteUInt16LittleEndian(aux.AsSpan(6), index++);
                BinaryPrimitives.WriteUInt32LittleEndian(aux.AsSpan(8), strings.Add(versions[j]));
                BinaryPrimitives.WriteUInt32LittleEndian(aux.AsSpan(12), j == versions.Length - 1 ? 0u : 16u);
                verneed.AddRange(aux);
            }
        }
        var dynsym = new byte[24 * symbolVersions.Length];
        var versym = new byte[2 * symbolVersions.Length];
        for (int i = 0; i < symbolVersions.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(versym.AsSpan(2 * i), symbolVersions[i]);
        var rela = new byte[24 * relocated.Length];
        for (int i = 0; i < relocated.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(rela.AsSpan(24 * i + 8), ((ulong)relocated[i] << 32) | 6 /* R_X86_64_GLOB_DAT */);

        return Assemble(strings,
        [
            (11u, dynsym, 1u, 24ul),            // 2: .dynsym, linked to .dynstr
            (0x6fffffffu, versym, 2u, 2ul),     // 3: .gnu.version, linked to .dynsym
            (0x6ffffffeu, verneed.ToArray(), 1u, 0ul), // 4: .gnu.version_r
            (4u, rela, 2u, 24ul),               // 5: .rela.dyn, against .dynsym
        ]);
    }

    /// <summary>A library defining <paramref name="versions"/> in .gnu.version_d (a stand-in for libstdc++).</summary>
    public static byte[] LibraryDefining(params string[] versions)
    {
        var strings = new StringTable();
        var verdef = new List<byte>();
        for (int i = 0; i < versions.Length; i++)
        {
            var entry = new byte[28];
            BinaryPrimitives.WriteUInt16LittleEndian(entry, 1);
            BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(4), (ushort)(i + 1));
            BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(6), 1);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(12), 20);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(16), i == versions.Length - 1 ? 0u : 28u);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(20), strings.Add(versions[i]));
            verdef.AddRange(entry);
        }
        return Assemble(strings, [(0x6ffffffdu, verdef.ToArray(), 1u, 0ul)]);
    }

    // Layout: ELF header, section contents (.dynstr first), then the section header table.
    private static byte[] Assemble(StringTable strings, (uint Type, byte[] Data, uint Link, ulong EntSize)[] sections)
    {
        var all = new List<(uint Type, byte[] Data, uint Link, ulong EntSize)> { (0, [], 0, 0), (3, strings.ToArray(), 0, 0) };
        all.AddRange(sections);
        var body = new List<byte>(new byte[64]);
        var offsets = new ulong[all.Count];
        for (int i = 1; i < all.Count; i++)
        {
            while (body.Count % 8 != 0) body.Add(0);
            offsets[i] = (ulong)body.Count;
            body.AddRange(all[i].Data);
        }
        while (body.Count % 8 != 0) body.Add(0);
        ulong shoff = (ulong)body.Count;
        foreach (var (s, i) in all.Select((s, i) => (s, i)))
        {
            var h = new byte[64];
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(4), s.Type);
            BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(24), offsets[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(32), (ulong)s.Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(40), s.Link);
            BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(56), s.EntSize);
            body.AddRange(h);
        }
        byte[] bytes = body.ToArray();
        "\x7f"u8.CopyTo(bytes);
        "ELF"u8.CopyTo(bytes.AsSpan(1));
        bytes[4] = 2; bytes[5] = 1; bytes[6] = 1;                       // ELFCLASS64, little-endian, version 1
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(16), 3);  // ET_DYN
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), 62); // x86-64
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x28), shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x34), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x3A), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x3C), (ushort)all.Count);
        return bytes;
    }

    private sealed class StringTable
    {
        private readonly List<byte> _bytes = [0];

        public uint Add(string s)
        {
            uint offset = (uint)_bytes.Count;
            _bytes.AddRange(Encoding.ASCII.GetBytes(s));
            _bytes.Add(0);
            return offset;
        }

        public byte[] ToArray() => [.. _bytes];
    }
}
