using System.Text;

namespace Robotics.Runtime.Demo;

/// <summary>
/// Text pictures of a pendulum for console views: the rod drawn on a small character grid and a
/// horizontal angle bar. The angle is measured from upright (0) like Gymnasium's Pendulum, in radians.
/// </summary>
public static class PendulumSketch
{
    /// <summary>Pendulum angle from its observation [cos th, sin th, thdot], wrapped to (-pi, pi].</summary>
    public static double Angle(ReadOnlySpan<float> obs) => Math.Atan2(obs[1], obs[0]);

    /// <summary>
    /// Rows of a <paramref name="width"/> x <paramref name="height"/> grid with the pivot 'o' in the middle,
    /// the rod '·' and the bob '●'. Characters are about twice as tall as wide, so x is stretched by two.
    /// </summary>
    public static string[] Draw(double angle, int width = 23, int height = 11)
    {
        if (width < 5 || height < 5) throw new ArgumentOutOfRangeException(nameof(width), "sketch needs at least 5 x 5 characters");
        var grid = new char[height][];
        for (int r = 0; r < height; r++) grid[r] = Enumerable.Repeat(' ', width).ToArray();
        int cx = width / 2, cy = height / 2;
        double radius = Math.Min(cy, cx / 2.0);
        double dx = Math.Sin(angle) * radius * 2, dy = -Math.Cos(angle) * radius;
        const int segments = 12;
        for (int i = 1; i < segments; i++)
            Put(grid, cx + dx * i / segments, cy + dy * i / segments, '·');
        Put(grid, cx + dx, cy + dy, '●');
        grid[cy][cx] = 'o';
        return grid.Select(r => new string(r)).ToArray();
    }

    /// <summary>A bar from -180° to +180° with '|' at upright and '█' at <paramref name="angle"/>.</summary>
    public static string AngleBar(double angle, int width = 37)
    {
        if (width < 3) throw new ArgumentOutOfRangeException(nameof(width), "bar needs at least 3 characters");
        var sb = new StringBuilder(new string('─', width));
        sb[width / 2] = '|';
        double unit = (angle + Math.PI) / (2 * Math.PI);
        int at = Math.Clamp((int)Math.Round(unit * (width - 1)), 0, width - 1);
        sb[at] = '█';
        return "-180° " + sb + " +180°";
    }

    private static void Put(char[][] grid, double x, double y, char c)
    {
        int col = (int)Math.Round(x), row = (int)Math.Round(y);
        if (row >= 0 && row < grid.Length && col >= 0 && col < grid[row].Length) grid[row][col] = c;
    }
}
