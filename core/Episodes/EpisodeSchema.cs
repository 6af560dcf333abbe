namespace Robotics.Core.Episodes;

/// <summary>The Parquet column names, fixed by contract with external readers (pandas, DuckDB, hyparquet).</summary>
public static class EpisodeSchema
{
    public const string Episode = "episode";       // int64
    public const string Step = "step";             // int32
    public const string Time = "time";             // double, seconds
    public const string Obs = "obs";               // list<float>
    public const string Action = "action";         // list<float>
    public const string Reward = "reward";         // float
    public const string NextObs = "next_obs";      // list<float>
    public const string Terminated = "terminated"; // bool
    public const string Truncated = "truncated";   // bool
    public const string Source = "source";         // string: sim|real
    public const string RobotId = "robot_id";      // string
    public const string Vetoed = "vetoed";         // bool: the gate replaced the command (vetoed, fallback or e-stop); a clamp is not a veto
    public const string Safety = "safety";         // string: the gate's decision (ok|clamped|vetoed|fallback|estop); files before it lack the column
    public const string Proposed = "proposed";     // list<float>: the controller's proposal as the gate judged it (CommandBuffer.Proposed); files before it lack the column
}
