using System.Runtime.InteropServices;

namespace Robotics.Core.Episodes;

/// <summary>
/// fsync of a directory, which makes a rename inside it durable. .NET has no API for it, so this calls
/// open/fsync/close from libc on Unix; elsewhere it does nothing (NTFS journals renames itself).
/// </summary>
internal static partial class DirectorySync
{
    private const int ORdOnly = 0, ODirectory = 0x10000; // Linux x64/arm64 values

    public static void Fsync(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd = Open(directory, ORdOnly | ODirectory);
        if (fd < 0)
            throw new IOException($"cannot open directory '{directory}' to fsync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (FsyncFd(fd) != 0)
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncFd(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
