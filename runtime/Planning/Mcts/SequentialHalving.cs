namespace Robotics.Runtime.Planning.Mcts;

/// <summary>
/// Gumbel MuZero's root budget: n simulations over m considered actions in ceil(log2 m) phases; each phase
/// visits every still-considered action max(1, floor(n / (ceil(log2 m) * considered))) times, then keeps the
/// better half (at least 2) until the budget is spent. m 16, n 32 gives visits 4,4,4,4,2,2,2,2,1 x 8.
/// </summary>
public static class SequentialHalving
{
    /// <summary>Hot path. Phases needed for <paramref name="considered"/> actions: ceil(log2 m) (0 for one action).</summary>
    public static int Phases(int considered)
    {
        int p = 0;
        while ((1 << p) < considered) p++;
        return p;
    }

    /// <summary>Hot path. Visits per considered action in a phase that starts with <paramref name="considered"/> of them.</summary>
    public static int VisitsPerAction(int simulations, int initialConsidered, int considered)
    {
        int phases = Phases(initialConsidered);
        return phases == 0 ? simulations : Math.Max(1, simulations / (phases * considered));
    }

    /// <summary>Hot path. Actions kept after a phase with <paramref name="considered"/>: half, at least 2 (or 1 if only 1).</summary>
    public static int Next(int considered) => considered <= 1 ? 1 : Math.Max(2, considered / 2);

    /// <summary>
    /// Not real-time (tests, diagnostics). The visit count each of the m actions ends with, in rank order
    /// (rank 0 = survives longest), when the ranking never changes.
    /// </summary>
    public static int[] FinalVisits(int considered, int simulations)
    {
        var visits = new int[considered];
        int left = simulations, k = considered;
        while (left > 0)
        {
            int per = VisitsPerAction(simulations, considered, k);
            for (int r = 0; r < per && left > 0; r++)
                for (int i = 0; i < k && left > 0; i++) { visits[i]++; left--; }
            k = Next(k);
        }
        return visits;
    }
}
