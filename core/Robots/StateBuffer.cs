namespace Robotics.Core.Robots;

/// <summary>
/// The latest state of a robot, written by a driver's Read into a buffer the loop allocated once.
/// Reward/Terminated/Truncated describe the transition that led into <see cref="Obs"/>.
/// </summary>
public sealed class StateBuffer
{
    public StateBuffer(int obsDim) => Obs = new float[obsDim];

    public float[] Obs { get; }
    /// <summary>Robot-side sequence number; increases with every new state.</summary>
    public long Seq { get; set; }
    /// <summary>Robot-side time in seconds.</summary>
    public double Time { get; set; }
    public float Reward { get; set; }
    public bool Terminated { get; set; }
    public bool Truncated { get; set; }
    /// <summary>Runtime-side <see cref="TimeProvider.GetTimestamp"/> when this state arrived (for staleness).</summary>
    public long ReceivedTimestamp { get; set; }
    /// <summary>
    /// States the driver's <see cref="LatestState"/> slot has received so far, this one included (0 when the driver
    /// does not count): with <see cref="RewardSum"/> it lets the loop account for states it never read.
    /// </summary>
    public long Received { get; set; }
    /// <summary>Sum of <see cref="Reward"/> over every state the slot received so far, this one included.</summary>
    public double RewardSum { get; set; }
    /// <summary>
    /// Runtime-side count of the robot's restarts the driver recognised (0 until the first): a state of a new
    /// epoch does not follow from the command before it, so the loop ends the episode there.
    /// </summary>
    public long Epoch { get; set; }
    /// <summary>
    /// The robot's own word (state field <c>on_time</c>) on the step that led into <see cref="Obs"/>: true when it
    /// applied the command answering the state it published just before, false when it applied an older command, its
    /// safe action or an e-stop; null when the robot does not say. Only a real-time robot can be late for a command.
    /// </summary>
    public bool? CommandOnTime { get; set; }

    /// <summary>Hot path: copies every field into <paramref name="dst"/> without allocating.</summary>
    public void CopyTo(StateBuffer dst)
    {
        Obs.AsSpan().CopyTo(dst.Obs);
        dst.Seq = Seq; dst.Time = Time; dst.Reward = Reward;
        dst.Terminated = Terminated; dst.Truncated = Truncated; dst.ReceivedTimestamp = ReceivedTimestamp;
        dst.Received = Received; dst.RewardSum = RewardSum; dst.Epoch = Epoch; dst.CommandOnTime = CommandOnTime;
    }
}
