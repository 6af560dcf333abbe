namespace Robotics.Safety.Checks;

/// <summary>
/// Options for <see cref="RateLimitCheck"/>: the largest change per tick of each action dimension,
/// relative to the last command sent. <see cref="float.PositiveInfinity"/> leaves a dimension unlimited.
/// </summary>
public sealed record RateLimitOptions(float[] MaxDeltaPerTick)
{
    public RateLimitOptions Validate(int actDim)
    {
        if (MaxDeltaPerTick is null || MaxDeltaPerTick.Length != actDim)
            throw new ArgumentException($"safety rate limit: max delta per tick needs {actDim} values (the action dimension), got {MaxDeltaPerTick?.Length ?? 0}");
        for (int i = 0; i < actDim; i++)
            if (!(MaxDeltaPerTick[i] > 0))
                throw new ArgumentException($"safety rate limit: max delta per tick of dimension {i} must be > 0, got {MaxDeltaPerTick[i]}");
        return this;
    }
}

/// <summary>
/// Check 4b: limits how far each action dimension moves from the last command actually sent (decision
/// "clamped"). The safe action is exempt: stopping must never be slowed down.
/// </summary>
public sealed class RateLimitCheck : CheckCounter
{
    private readonly float[] _maxDelta;

    public RateLimitCheck(RateLimitOptions options) : base(SafetyCheck.RateLimit)
    {
        Options = options;
        _maxDelta = (float[])options.MaxDeltaPerTick.Clone();
    }

    public RateLimitOptions Options { get; }

    /// <summary>
    /// Hot path, allocation-free. Moves <paramref name="action"/> to within the limit of
    /// <paramref name="lastSent"/>. Returns the first limited dimension (-1 when none) with the requested
    /// change and the limit.
    /// </summary>
    public int Limit(Span<float> action, ReadOnlySpan<float> lastSent, out float delta, out float limit)
    {
        int first = -1; delta = 0; limit = 0;
        for (int i = 0; i < action.Length; i++)
        {
            float d = action[i] - lastSent[i];
            float m = _maxDelta[i];
            if (d > m || d < -m)
            {
                float last = lastSent[i];
                float c = (float)(last + (d > 0 ? (double)m : -(double)m));
                // Rounding may leave the float step an ulp past the limit: step back toward lastSent.
                while (MathF.Abs(c - last) > m) c = d > 0 ? MathF.BitDecrement(c) : MathF.BitIncrement(c);
                action[i] = c;
                if (first < 0) { first = i; delta = d; limit = m; }
            }
        }
        return first;
    }
}
