using System.Text;
using Robotics.Core.Robots;

namespace Robotics.Safety;

/// <summary>
/// A read-only snapshot of the gate's counters: how many commands it decided, how many ended in each
/// decision, and how many times each check acted. Taken off the control loop (it allocates).
/// </summary>
public sealed class SafetyCounts
{
    private readonly long[] _byCheck;
    private readonly long[] _byDecision;

    internal SafetyCounts(long ticks, long[] byCheck, long[] byDecision, long auditDropped = 0)
    {
        Ticks = ticks;
        AuditDropped = auditDropped;
        _byCheck = byCheck;
        _byDecision = byDecision;
    }

    /// <summary>Commands decided (calls to Apply).</summary>
    public long Ticks { get; }

    /// <summary>Audit events lost because the queue was full (queued audit mode only).</summary>
    public long AuditDropped { get; }

    /// <summary>Times <paramref name="check"/> acted (clamped, vetoed or replaced a command).</summary>
    public long this[SafetyCheck check] => _byCheck[(int)check];

    /// <summary>Commands that ended with <paramref name="decision"/>.</summary>
    public long this[SafetyDecision decision] => _byDecision[(int)decision];

    /// <summary>Commands whose decision was not "ok" (what the recorder's `vetoed` column counts).</summary>
    public long NotOk => Ticks - _byDecision[(int)SafetyDecision.Ok];

    /// <summary>The counts accumulated since <paramref name="earlier"/> (e.g. over one episode).</summary>
    public SafetyCounts Since(SafetyCounts earlier)
    {
        var c = new long[_byCheck.Length];
        var d = new long[_byDecision.Length];
        for (int i = 0; i < c.Length; i++) c[i] = _byCheck[i] - earlier._byCheck[i];
        for (int i = 0; i < d.Length; i++) d[i] = _byDecision[i] - earlier._byDecision[i];
        return new SafetyCounts(Ticks - earlier.Ticks, c, d, AuditDropped - earlier.AuditDropped);
    }

    /// <summary>One line for an episode summary, e.g. "200 commands: ok 190, clamped 6, ... | rate_limit 6, ...".</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Ticks).Append(" commands:");
        for (int i = 0; i < _byDecision.Length; i++)
            sb.Append(i == 0 ? " " : ", ").Append(((SafetyDecision)i).ToWire()).Append(' ').Append(_byDecision[i]);
        sb.Append(" | checks:");
        for (int i = 0; i < _byCheck.Length; i++)
            sb.Append(i == 0 ? " " : ", ").Append(((SafetyCheck)i).ToWire()).Append(' ').Append(_byCheck[i]);
        if (AuditDropped > 0) sb.Append(" | audit dropped ").Append(AuditDropped);
        return sb.ToString();
    }
}
