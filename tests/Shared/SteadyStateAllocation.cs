namespace Robotics.Testing;

/// <summary>
/// Bytes a steady-state window allocates on the calling thread, robust to one-off runtime allocations.
/// Why: on a loaded machine a tier-1 promotion, an OSR transition or a lazy runtime initialisation can land
/// inside a measured window once and bill a few KB to the measuring thread. A genuine per-call allocation
/// dirties every window; a one-off dirties only one. So the window runs up to <c>windows</c> times and the
/// first clean window wins; a real allocation still reports the smallest (non-zero) count seen.
/// </summary>
/// <remarks>
/// Create the window delegate once, before measuring (a lambda over the test's locals is fine): invoking it
/// allocates nothing, and nothing here allocates between the two reads of the counter.
/// The window must be re-runnable: each run does the same steady-state work as the first.
/// </remarks>
public static class SteadyStateAllocation
{
    /// <summary>0 at the first window that allocates nothing on this thread, else the fewest bytes any window allocated.</summary>
    public static long Bytes(Action window, int windows = 3) => Bytes(window, out _, windows);

    /// <summary>As <see cref="Bytes(Action, int)"/>; <paramref name="ran"/> is how many windows ran (for tests that count the work done).</summary>
    public static long Bytes(Action window, out int ran, int windows = 3)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentOutOfRangeException.ThrowIfLessThan(windows, 1);
        long fewest = long.MaxValue;
        int run = 0;
        while (run < windows)
        {
            run++;
            long before = GC.GetAllocatedBytesForCurrentThread();
            window();
            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            if (bytes < fewest) fewest = bytes;
            if (fewest == 0) break;
        }
        ran = run;
        return fewest;
    }

    /// <summary>
    /// For a window that awaits between measured calls (e.g. an episode start between ticks) and so measures its
    /// own bytes: runs it up to <paramref name="windows"/> times, returns 0 at the first that reports 0, else the
    /// fewest bytes reported, and how many windows ran.
    /// </summary>
    public static async Task<(long Bytes, int Ran)> BytesAsync(Func<Task<long>> measuredWindow, int windows = 3)
    {
        ArgumentNullException.ThrowIfNull(measuredWindow);
        ArgumentOutOfRangeException.ThrowIfLessThan(windows, 1);
        long fewest = long.MaxValue;
        int run = 0;
        while (run < windows)
        {
            run++;
            long bytes = await measuredWindow();
            if (bytes < fewest) fewest = bytes;
            if (fewest == 0) break;
        }
        return (fewest, run);
    }
}
