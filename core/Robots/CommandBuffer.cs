namespace Robotics.Core.Robots;

/// <summary>A command for a robot, filled by the loop and the safety gate in a buffer allocated once.</summary>
public sealed class CommandBuffer
{
    public CommandBuffer(int actDim)
    {
        Action = new float[actDim];
        Proposed = new float[actDim];
    }

    public float[] Action { get; }
    /// <summary>
    /// The controller's proposal this command answers, as the gate's model checks judged it (after its clamp and rate
    /// limit; the raw proposal when the gate stopped before them; the safe action when the loop answered with its own
    /// safe action). Recorded (column <c>proposed</c>) so the uncertainty veto can be calibrated on what it judged,
    /// not on what it sent instead. Not sent to the robot.
    /// </summary>
    public float[] Proposed { get; }
    public long Seq { get; set; }
    /// <summary>The state sequence number this command answers.</summary>
    public long StateSeq { get; set; }
    /// <summary>How long the robot may apply this command before falling back to its safe action.</summary>
    public int TtlMs { get; set; }
    public SafetyDecision Safety { get; set; }
}
