namespace Robotics.Core.Robots;

/// <summary>What the safety gate did to a command. Carried on the wire as lower-case text.</summary>
public enum SafetyDecision : byte
{
    Ok = 0,
    Clamped = 1,
    Vetoed = 2,
    Fallback = 3,
    EStop = 4,
}

public static class SafetyDecisionText
{
    private static readonly string[] Names = ["ok", "clamped", "vetoed", "fallback", "estop"];

    public static string ToWire(this SafetyDecision d) => Names[(int)d];

    public static bool TryParse(ReadOnlySpan<char> s, out SafetyDecision d)
    {
        for (int i = 0; i < Names.Length; i++)
            if (s.SequenceEqual(Names[i])) { d = (SafetyDecision)i; return true; }
        d = SafetyDecision.Ok;
        return false;
    }
}
