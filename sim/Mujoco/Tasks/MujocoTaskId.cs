using System.Globalization;

namespace Robotics.Sim.Mujoco.Tasks;

/// <summary>
/// Task ids with options, so one string names a variant everywhere an env id goes (CLI, model cards):
/// <c>mj-cartpole-swingup</c> (DMC defaults), <c>mj-cartpole-swingup:repeat=4</c> (action repeat 4),
/// <c>mj-cartpole-swingup:randomise</c> (<see cref="PhysicsRandomisation.Default"/>), or both joined by ','.
/// </summary>
public static class MujocoTaskId
{
    public static string Format(string baseId, MujocoTaskOptions o)
    {
        var parts = new List<string>(2);
        if (o.ActionRepeat != 1) parts.Add("repeat=" + o.ActionRepeat.ToString(CultureInfo.InvariantCulture));
        if (!o.Randomisation.IsNone) parts.Add(o.Randomisation == PhysicsRandomisation.Default ? "randomise" : "randomise=custom");
        return parts.Count == 0 ? baseId : baseId + ":" + string.Join(',', parts);
    }

    /// <summary>Splits an id into its task and options; false (with a reason) when the options do not parse.</summary>
    public static bool TryParse(string id, out string baseId, out MujocoTaskOptions options, out string? error)
    {
        int colon = id.IndexOf(':', StringComparison.Ordinal);
        baseId = colon < 0 ? id : id[..colon];
        options = MujocoTaskOptions.Default;
        error = null;
        if (colon < 0) return true;
        foreach (string part in id[(colon + 1)..].Split(','))
        {
            if (part.StartsWith("repeat=", StringComparison.Ordinal)
                && int.TryParse(part.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k is >= 1 and <= 1000)
                options = options with { ActionRepeat = k };
            else if (part == "randomise")
                options = options with { Randomisation = PhysicsRandomisation.Default };
            else
            {
                error = $"'{id}': unknown option '{part}' (known: repeat=N with 1 <= N <= 1000, randomise)";
                return false;
            }
        }
        return true;
    }
}
