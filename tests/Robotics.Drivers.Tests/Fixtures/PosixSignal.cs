using System.Runtime.InteropServices;

namespace Robotics.Drivers.Tests.Fixtures;

/// <summary>Sends a Unix signal to a process by PID (what <c>kill -TERM</c> and Ctrl-C do).</summary>
internal static partial class PosixKill
{
    public const int SigInt = 2, SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }
}
