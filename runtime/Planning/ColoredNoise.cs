namespace Robotics.Runtime.Planning;

/// <summary>
/// Gaussian noise over the horizon with power spectrum ~ 1/f^beta (beta 0 = white, 2 = Brownian-like), as
/// iCEM samples it: random Fourier coefficients scaled by f^(-beta/2) (frequencies below 1/H held at 1/H),
/// inverse DFT, and an exact division by the resulting standard deviation so every sample has unit
/// variance. The DFT is direct (H is tens of steps), from cosine/sine tables computed once.
/// </summary>
public sealed class ColoredNoise
{
    private readonly int _h, _k;
    private readonly float[] _cos, _sin, _scale;
    private readonly bool[] _realOnly;

    public ColoredNoise(int horizon, float beta)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon));
        _h = horizon;
        _k = horizon / 2 + 1;
        _cos = new float[_k * horizon];
        _sin = new float[_k * horizon];
        _scale = new float[_k];
        _realOnly = new bool[_k];
        double variance = 0;
        for (int k = 0; k < _k; k++)
        {
            double f = Math.Max((double)k / horizon, 1.0 / horizon);
            double s = Math.Pow(f, -beta / 2.0);
            bool realOnly = k == 0 || (horizon % 2 == 0 && k == horizon / 2);
            double w = realOnly ? 1 : 2;     // one-sided spectrum: interior bins count twice
            _realOnly[k] = realOnly;
            _scale[k] = (float)(w * s);
            variance += w * w * s * s;
            for (int t = 0; t < horizon; t++)
            {
                double th = 2 * Math.PI * k * t / horizon;
                _cos[k * horizon + t] = (float)Math.Cos(th);
                _sin[k * horizon + t] = (float)Math.Sin(th);
            }
        }
        float inv = (float)(1 / Math.Sqrt(variance));
        for (int k = 0; k < _k; k++) _scale[k] *= inv;
    }

    /// <summary>
    /// Hot path, allocation-free. Writes one unit-variance sequence of H values to
    /// <c>dst[0], dst[stride], ..., dst[(H-1) stride]</c>.
    /// </summary>
    public void Sample(GaussianSampler g, Span<float> dst, int stride)
    {
        for (int t = 0; t < _h; t++) dst[t * stride] = 0;
        for (int k = 0; k < _k; k++)
        {
            float re = g.Next() * _scale[k];
            float im = _realOnly[k] ? 0 : g.Next() * _scale[k];
            int row = k * _h;
            for (int t = 0; t < _h; t++) dst[t * stride] += re * _cos[row + t] - im * _sin[row + t];
        }
    }
}
