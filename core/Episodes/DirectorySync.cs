using System.Runtime.InteropServices;

namespace Robotics.Core.Episodes;

/// <summary>
/// fsync of a directory, which makes a rename inside it durable. .NET has no API for it, so this calls
/// open/fsync/close from libc on Linux; elsewhere it does nothing (the rename is still atomic, only its
/// durability across a power loss is left to the file system).
/// </summary>
internal static partial class DirectorySync
{
    private const int ORdOnly = 0; // the same on every Linux architecture, unlike O_DIRECTORY

    public static void Fsync(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        int fd;
        try
        {
            fd = Open(directory, ORdOnly);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return; // an unusual libc: the rename stays atomic, only power-loss durability is not forced
        }
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
