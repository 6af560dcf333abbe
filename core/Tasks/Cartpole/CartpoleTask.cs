using Robotics.Core.Models;

namespace Robotics.Core.Tasks;

/// <summary>
/// Gymnasium CartPole-v1 balancing: cost -1 for every step taken from a state inside the thresholds (|x| &lt;= 2.4 m,
/// |theta| &lt;= 12 degrees), 0 from a state outside them; a state outside ends the episode; 500 steps; no cost
/// parameters (Gymnasium's thresholds are fixed). Actions are the push index, 0 (left) or 1 (right); [0] is the
/// "safe" action only in the sense that it is a valid one: a cart-pole has no action that keeps it safe.
/// </summary>
public sealed class CartpoleTask : ITaskDefinition
{
    public const string TaskId = "cartpole";
    /// <summary>m; |x| beyond this ends the episode (Gymnasium's x_threshold).</summary>
    public const double XThreshold = 2.4;
    /// <summary>rad; |theta| beyond this ends the episode (Gymnasium's 12 * 2 pi / 360).</summary>
    public const double ThetaThreshold = 12 * 2 * Math.PI / 360;
    private static readonly Dictionary<string, double> None = new();

    public CartpoleTask() : this(None) { }

    internal CartpoleTask(IReadOnlyDictionary<string, double> parameters) => TaskParameters.OnlyKnown(TaskId, parameters);

    public string Id => TaskId;
    public IAnalyticCost Cost { get; } = new CartpoleCost();
    public float[] SafeAction => [0f];
    public int MaxEpisodeSteps => 500;
    public IReadOnlyDictionary<string, double> Parameters => None;

    /// <summary>Hot path, allocation-free. The push index the value means (0.5 and above is right, as the robot reads it).</summary>
    public void ToExecutedAction(Span<float> action) => action[0] = action[0] >= 0.5f ? 1f : 0f;

    /// <summary>Hot path, allocation-free. Observation [x, x_dot, theta, theta_dot] outside the thresholds (or NaN).</summary>
    public bool IsTerminal(ReadOnlySpan<float> obs) => !Inside(obs[0], obs[2]);

    public Onnx.Ensemble.IGraphTermination GraphTermination { get; } = new CartpoleGraphTermination();

    /// <summary>Hot path. Gymnasium's test: terminated = x &lt; -2.4 or x &gt; 2.4 or theta &lt; -th or theta &gt; th.</summary>
    public static bool Inside(double x, double theta) =>
        x >= -XThreshold && x <= XThreshold && theta >= -ThetaThreshold && theta <= ThetaThreshold;
}
