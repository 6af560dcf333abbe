namespace Robotics.Runtime.Planning;

/// <summary>The CEM update shared by CEM and iCEM: refit a per-step Gaussian to the elites, with smoothing.</summary>
public static class EliteFit
{
    /// <summary>
    /// Hot path, allocation-free. mean = alpha mean + (1 - alpha) elite mean; var likewise. Uses the first
    /// <paramref name="elites"/> entries of <paramref name="buf"/>'s sort order; the scratch spans hold
    /// [H * act_dim] values each.
    /// </summary>
    public static void Update(SequenceBuffer buf, int elites, float alpha, Span<float> mean, Span<float> std,
                              Span<float> scratchMean, Span<float> scratchVar)
    {
        int len = mean.Length;
        scratchMean.Clear();
        scratchVar.Clear();
        for (int e = 0; e < elites; e++)
        {
            ReadOnlySpan<float> s = buf.Sequence(buf.Order[e]);
            for (int i = 0; i < len; i++) scratchMean[i] += s[i];
        }
        float inv = 1f / elites;
        for (int i = 0; i < len; i++) scratchMean[i] *= inv;
        for (int e = 0; e < elites; e++)
        {
            ReadOnlySpan<float> s = buf.Sequence(buf.Order[e]);
            for (int i = 0; i < len; i++) { float d = s[i] - scratchMean[i]; scratchVar[i] += d * d; }
        }
        for (int i = 0; i < len; i++)
        {
            mean[i] = alpha * mean[i] + (1 - alpha) * scratchMean[i];
            std[i] = MathF.Sqrt(alpha * std[i] * std[i] + (1 - alpha) * scratchVar[i] * inv);
        }
    }
}
