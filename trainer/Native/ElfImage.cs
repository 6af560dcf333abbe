using System.Buffers.Binary;
using System.Text;

namespace Robotics.Trainer.Native;

/// <summary>
/// A read-only view of a little-endian ELF64 shared object, enough to read its symbol-version sections
/// (.gnu.version_r needs, .gnu.version_d definitions, .gnu.version) and dynamic relocations. Every offset
/// is bounds-checked; anything unexpected throws <see cref="InvalidDataException"/> naming the file.
/// </summary>
internal sealed class ElfImage
{
    public const uint ShtRela = 4, ShtDynsym = 11, ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
    public const ushort VerFlagWeak = 0x2;

    private readonly byte[] _bytes;

    public ElfImage(byte[] bytes, string path)
    {
        _bytes = bytes;
        Path = path;
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw Bad("is not an ELF file");
        if (bytes[4] != 2 || bytes[5] != 1) throw Bad("is not a little-endian 64-bit ELF file");
        ulong shoff = U64(0x28);
        int shentsize = U16(0x3A), shnum = U16(0x3C);
        if (shentsize != 64 || shnum == 0) throw Bad("has no usable section header table");
        Sections = new Section[shnum];
        for (int i = 0; i < shnum; i++)
        {
            int h = Offset(shoff + (ulong)(i * 64), 64);
            Sections[i] = new Section(i, U32(h + 4), U64(h + 24), U64(h + 32), U32(h + 40), U64(h + 56));
        }
    }

    public string Path { get; }
    public byte[] Bytes => _bytes;
    public Section[] Sections { get; }

    public readonly record struct Section(int Index, uint Type, ulong FileOffset, ulong Size, uint Link, ulong EntrySize);

    /// <summary>One required version (Vernaux) of one needed library (Verneed); FlagsOffset locates vna_flags in the file.</summary>
    public readonly record struct VersionNeed(string File, string Version, ushort Flags, ushort Index, int FlagsOffset)
    {
        public bool IsWeak => (Flags & VerFlagWeak) != 0;
    }

    public Section? FindSection(uint type)
    {
        foreach (var s in Sections) if (s.Type == type) return s;
        return null;
    }

    /// <summary>Every entry of .gnu.version_r; empty when the file has none.</summary>
    public List<VersionNeed> VersionNeeds()
    {
        var result = new List<VersionNeed>();
        if (FindSection(ShtGnuVerneed) is not Section sec) return result;
        Section strtab = LinkedSection(sec);
        int entry = Offset(sec.FileOffset, 16);
        for (int guard = 0; guard < 4096; guard++)
        {
            int cnt = U16(entry + 2);
            string file = String(strtab, U32(entry + 4));
            int aux = Offset((ulong)entry + U32(entry + 8), 16);
            for (int j = 0; j < cnt; j++)
            {
                result.Add(new VersionNeed(file, String(strtab, U32(aux + 8)), U16(aux + 4), U16(aux + 6), aux + 4));
                uint nextAux = U32(aux + 12);
                if (nextAux == 0) break;
                aux = Offset((ulong)aux + nextAux, 16);
            }
            uint next = U32(entry + 12);
            if (next == 0) return result;
            entry = Offset((ulong)entry + next, 16);
        }
        throw Bad("has a .gnu.version_r chain that does not end");
    }

    /// <summary>Names defined in .gnu.version_d (a library's own versions, e.g. GLIBCXX_3.4.30); empty when none.</summary>
    public HashSet<string> VersionDefinitions()
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (FindSection(ShtGnuVerdef) is not Section sec) return result;
        Section strtab = LinkedSection(sec);
        int entry = Offset(sec.FileOffset, 20);
        for (int guard = 0; guard < 4096; guard++)
        {
            int aux = Offset((ulong)entry + U32(entry + 12), 8);
            result.Add(String(strtab, U32(aux))); // the first Verdaux names the version itself
            uint next = U32(entry + 16);
            if (next == 0) return result;
            entry = Offset((ulong)entry + next, 20);
        }
        throw Bad("has a .gnu.version_d chain that does not end");
    }

    /// <summary>Indices of dynamic symbols whose .gnu.version entry is <paramref name="versionIndex"/>.</summary>
    public HashSet<uint> SymbolsWithVersion(ushort versionIndex)
    {
        var result = new HashSet<uint>();
        if (FindSection(ShtGnuVersym) is not Section sec) return result;
        int start = Offset(sec.FileOffset, (long)sec.Size);
        for (uint i = 0; i < sec.Size / 2; i++)
            if ((U16(start + (int)(i * 2)) & 0x7fff) == versionIndex) result.Add(i);
        return result;
    }

    /// <summary>Symbol indices referenced by any RELA relocation against the dynamic symbol table.</summary>
    public HashSet<uint> RelocatedDynamicSymbols()
    {
        var result = new HashSet<uint>();
        foreach (var s in Sections)
        {
            if (s.Type != ShtRela || s.Link >= Sections.Length || Sections[s.Link].Type != ShtDynsym) continue;
            if (s.EntrySize != 24) throw Bad($"has a RELA section with entry size {s.EntrySize}");
            int start = Offset(s.FileOffset, (long)s.Size);
            for (ulong r = 0; r < s.Size / 24; r++) result.Add((uint)(U64(start + (int)(r * 24) + 8) >> 32));
        }
        return result;
    }

    public ushort U16(int offset) => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(Offset((ulong)offset, 2)));
    private uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(Offset((ulong)offset, 4)));
    private ulong U64(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan(Offset((ulong)offset, 8)));

    private Section LinkedSection(Section s) =>
        s.Link < Sections.Length ? Sections[s.Link] : throw Bad($"section {s.Index} links to missing section {s.Link}");

    private string String(Section strtab, uint offset)
    {
        if (offset >= strtab.Size) throw Bad($"has a string offset {offset} past its string table");
        int start = Offset(strtab.FileOffset + offset, 1);
        int end = Array.IndexOf(_bytes, (byte)0, start);
        if (end < 0) throw Bad("has an unterminated string");
        return Encoding.ASCII.GetString(_bytes, start, end - start);
    }

    private int Offset(ulong offset, long length) =>
        offset <= (ulong)_bytes.Length && (ulong)length <= (ulong)_bytes.Length - offset
            ? (int)offset
            : throw Bad($"is truncated or corrupt (offset {offset} + {length} past {_bytes.Length} bytes)");

    private InvalidDataException Bad(string what) => new($"{Path} {what}");
}
