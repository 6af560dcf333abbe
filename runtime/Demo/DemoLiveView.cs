using System.Globalization;
using Robotics.Core.Robots;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Robotics.Runtime.Demo;

/// <summary>The Spectre.Console picture of one <see cref="DemoSample"/>: the pendulum drawn, and a table of what the loop is doing.</summary>
public static class DemoLiveView
{
    public static IRenderable Render(DemoSample s, string title)
    {
        var inv = CultureInfo.InvariantCulture;
        var sketch = new Panel(new Text(string.Join('\n', PendulumSketch.Draw(s.AngleRad)), new Style(Color.Aqua)))
            .Header("pendulum").Border(BoxBorder.Rounded);
        bool up = Math.Abs(s.AngleDeg) < DemoEpisodeResult.UprightDeg;
        var table = new Table().Border(TableBorder.Rounded).Title(title).HideHeaders().AddColumn("what").AddColumn("value");
        table.AddRow("episode", string.Format(inv, "{0}/{1}   step {2}/{3}", s.Episode + 1, s.Episodes, s.Step, s.MaxSteps));
        table.AddRow(new Text("angle"), new Markup(string.Format(inv, "[{0}]{1,7:+0.0;-0.0}°[/]  {2}", up ? "green" : "yellow", s.AngleDeg, up ? "upright" : "swinging")));
        table.AddRow(new Text(""), new Text(PendulumSketch.AngleBar(s.AngleRad)));
        table.AddRow("angular velocity", string.Format(inv, "{0,6:+0.00;-0.00} rad/s", s.AngularVelocity));
        table.AddRow("action (torque)", string.Format(inv, "{0,6:+0.00;-0.00} N·m  {1}", s.Torque, TorqueBar(s.Torque)));
        table.AddRow(new Text("safety decision"), new Markup($"[{DecisionColour(s.Decision)}]{s.Decision.ToWire()}[/]"));
        table.AddRow("return", string.Format(inv, "{0,8:F1}", s.Return));
        table.AddRow("plan + gate", string.Format(inv, "{0,6:F1} ms", s.TickMs));
        return new Columns(sketch, table) { Expand = false };
    }

    private static string DecisionColour(SafetyDecision d) => d switch
    {
        SafetyDecision.Ok => "green",
        SafetyDecision.Clamped => "yellow",
        SafetyDecision.Vetoed => "darkorange",
        _ => "red",
    };

    /// <summary>Torque in [-2, 2] as a centred bar.</summary>
    private static string TorqueBar(float torque)
    {
        const int half = 8;
        int n = (int)Math.Round(Math.Clamp(torque / 2f, -1f, 1f) * half);
        string left = n < 0 ? new string(' ', half + n) + new string('◀', -n) : new string(' ', half);
        string right = n > 0 ? new string('▶', n) + new string(' ', half - n) : new string(' ', half);
        return left + "|" + right;
    }
}
