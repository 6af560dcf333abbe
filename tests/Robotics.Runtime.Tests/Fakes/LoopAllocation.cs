using Robotics.Runtime.Loop;

namespace Robotics.Runtime.Tests.Fakes;

/// <summary>Bytes a control loop's commanded ticks allocate, measured in windows (<see cref="SteadyStateAllocation"/>).</summary>
public static class LoopAllocation
{
    /// <summary>
    /// Up to 3 windows of <paramref name="ticks"/> commanded ticks each; an episode end starts the next episode, outside the
    /// measurement. Returns 0 at the first clean window (else the fewest bytes) and how many windows ran.
    /// </summary>
    public static Task<(long Bytes, int Ran)> TicksAsync(ControlLoop loop, int ticks)
    {
        async Task<long> Window()
        {
            long bytes = 0;
            int done = 0;
            while (done < ticks)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                TickStatus s = loop.Tick();
                bytes += GC.GetAllocatedBytesForCurrentThread() - before;
                if (s == TickStatus.EpisodeEnded) await loop.StartEpisodeAsync(CancellationToken.None);
                else done++;
            }
            return bytes;
        }
        return SteadyStateAllocation.BytesAsync(Window);
    }
}
