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
    private readonly long[] _byVetoChoice;

    internal SafetyCounts(long ticks, long[] byCheck, long[] byDecision, long auditDropped = 0,
                          long[]? byVetoChoice = null, long hysteresisVetoes = 0)
    {
        Ticks = ticks;
        AuditDropped = auditDropped;
        _byCheck = byCheck;
        _byDecision = byDecision;
        _byVetoChoice = byVetoChoice ?? new long[VetoChoiceText.Count];
        HysteresisVetoes = hysteresisVetoes;
    }

    /// <summary>Commands decided (calls to Apply).</summary>
    public long Ticks { get; }

    /// <summary>Audit events lost because the queue was full (queued audit mode only).</summary>
    public long AuditDropped { get; }

    /// <summary>Times <paramref name="check"/> acted (clamped, vetoed or replaced a command).</summary>
    public long this[SafetyCheck check] => _byCheck[(int)check];

    /// <summary>Commands that ended with <paramref name="decision"/>.</summary>
    public long this[SafetyDecision decision] => _byDecision[(int)decision];

    /// <summary>Vetoed proposals replaced by <paramref name="choice"/> (candidate, hold, safe action).</summary>
    public long this[VetoChoice choice] => _byVetoChoice[(int)choice];

    /// <summary>
    /// Proposals vetoed only by the uncertainty veto's hysteresis (U at or below the entry threshold, while the
    /// veto was on). Included in the uncertainty veto's check count.
    /// </summary>
    public long HysteresisVetoes { get; }

    /// <summary>Commands whose decision was not "ok" (what the recorder's `vetoed` column counts).</summary>
    public long NotOk => Ticks - _byDecision[(int)SafetyDecision.Ok];

    /// <summary>The counts accumulated since <paramref name="earlier"/> (e.g. over one episode).</summary>
    public SafetyCounts Since(SafetyCounts earlier)
    {
        var c = new long[_byCheck.Length];
        var d = new long[_byDecision.Length];
        for (int i = 0; i < c.Length; i++) c[i] = _byCheck[i] - earlier._byCheck[i];
        for (int i = 0; i < d.Length; i++) d[i] = _byDecision[i] - earlier._byDecision[i];
        var v = new long[_byVetoChoice.Length];
        for (int i = 0; i < v.Length; i++) v[i] = _byVetoChoice[i] - earlier._byVetoChoice[i];
        return new SafetyCounts(Ticks - earlier.Ticks, c, d, AuditDropped - earlier.AuditDropped, v, HysteresisVetoes - earlier.HysteresisVetoes);
    }

    /// <summary>One line for an episode summary, e.g. "200 commands: ok 190, ... | checks: rate_limit 6, ... | veto replaced by: candidate 3, hold 1, safe_action 0 (hysteresis 2)".</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Ticks).Append(" commands:");
        for (int i = 0; i < _byDecision.Length; i++)
            sb.Append(i == 0 ? " " : ", ").Append(((SafetyDecision)i).ToWire()).Append(' ').Append(_byDecision[i]);
        sb.Append(" | checks:");
        for (int i = 0; i < _byCheck.Length; i++)
            sb.Append(i == 0 ? " " : ", ").Append(((SafetyCheck)i).ToWire()).Append(' ').Append(_byCheck[i]);
        sb.Append(" | veto replaced by:");
        for (int i = 0; i < _byVetoChoice.Length; i++)
            sb.Append(i == 0 ? " " : ", ").Append(((VetoChoice)i).ToWire()).Append(' ').Append(_byVetoChoice[i]);
        sb.Append(" (hysteresis ").Append(HysteresisVetoes).Append(')');
        if (AuditDropped > 0) sb.Append(" | audit dropped ").Append(AuditDropped);
        return sb.ToString();
    }
}
