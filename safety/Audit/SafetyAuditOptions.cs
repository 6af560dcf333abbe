namespace Robotics.Safety.Audit;

/// <summary>Where the gate's audit events go on the control loop.</summary>
public enum SafetyAuditMode
{
    /// <summary>Logged from Apply through the source-generated logger (simple; the logger must not block).</summary>
    Inline,
    /// <summary>
    /// Copied into a fixed ring on Apply (never blocks, never allocates, counts drops when full) and
    /// written to the logger by <see cref="SafetyGate.DrainAudit"/> or <see cref="SafetyGate.RunAuditPumpAsync"/>.
    /// </summary>
    Queued,
}

/// <summary>Options for the gate's audit trail.</summary>
public sealed record SafetyAuditOptions(SafetyAuditMode Mode = SafetyAuditMode.Inline, int QueueCapacity = 4096)
{
    public SafetyAuditOptions Validate()
    {
        if (!Enum.IsDefined(Mode)) throw new ArgumentException($"safety audit: unknown mode {Mode}");
        if (QueueCapacity < 1 || QueueCapacity > 1 << 20)
            throw new ArgumentException($"safety audit: queue capacity must be in [1, 1048576], got {QueueCapacity}");
        return this;
    }
}
