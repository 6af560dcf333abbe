namespace Robotics.Drivers.Common;

/// <summary>
/// What an e-stop message asks for (docs/PROTOCOL.md, e-stop). Engaging is open to everyone; a reset is two
/// deliberate steps, release then re-arm, and on MQTT only the operator role may publish them.
/// </summary>
public enum EStopAction : byte
{
    /// <summary>Step 1 of a reset: the operator asks for release (still stopped).</summary>
    Release = 0,
    Engage = 1,
    /// <summary>Step 2 of a reset, within the release window of step 1: motion may resume, ramped.</summary>
    ReArm = 2,
}
