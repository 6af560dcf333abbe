namespace Robotics.Core.Tasks;

/// <summary>
/// How far a predicted observation is from the true one, in the task's own terms (an angle's wrapped error
/// rather than the distance between its cos/sin encodings). Used to judge world models, never on the hot path.
/// </summary>
public abstract class ObservationError
{
    /// <summary>What the number measures, with its unit, e.g. "pendulum angle error (rad)".</summary>
    public abstract string Name { get; }

    public abstract double Between(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual);

    /// <summary>The L2 distance between the observation vectors: the default for a task without a better one.</summary>
    public static ObservationError L2 { get; } = new L2Error();

    private sealed class L2Error : ObservationError
    {
        public override string Name => "observation L2 error";

        public override double Between(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
        {
            double s = 0;
            for (int d = 0; d < predicted.Length; d++) s += (predicted[d] - actual[d]) * (double)(predicted[d] - actual[d]);
            return Math.Sqrt(s);
        }
    }
}
