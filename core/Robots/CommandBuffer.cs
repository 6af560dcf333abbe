namespace Robotics.Core.Robots;

/// <summary>A command for a robot, filled by the loop and the safety gate in a buffer allocated once.</summary>
public sealed class CommandBuffer
{
    public CommandBuffer(int actDim) => Action = new float[actDim];

    public float[] Action { get; }
    public long Seq { get; set; }
    /// <summary>The state sequence number this command answers.</summary>
    public long StateSeq { get; set; }
    /// <summary>How long the robot may apply this command before falling back to its safe action.</summary>
    public int TtlMs { get; set; }
    public SafetyDecision Safety { get; set; }
}
