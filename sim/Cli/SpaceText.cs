using System.Globalization;
using Robotics.Core.Spaces;

namespace Robotics.Sim.Cli;

/// <summary>Plain-text renderings of spaces and periods shared by the list and info verbs.</summary>
internal static class SpaceText
{
    public static string Number(float v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Period(TimeSpan period) =>
        period.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms";

    /// <summary>e.g. "3: cos_theta, sin_theta, theta_dot".</summary>
    public static string Summary(BoxSpace space) =>
        space.Dimension.ToString(CultureInfo.InvariantCulture) + ": " + string.Join(", ", space.Names);
}
