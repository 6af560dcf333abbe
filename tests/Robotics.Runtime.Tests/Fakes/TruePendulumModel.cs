using Robotics.Runtime.Models;

namespace Robotics.Runtime.Tests.Fakes;

/// <summary>
/// A world model that is the true pendulum dynamics, with <paramref name="members"/> members whose gravity
/// differs by <paramref name="spread"/> (relative), so planners can be tested without training or ONNX.
/// </summary>
public sealed class TruePendulumModel(int maxBatch, int members = 1, double spread = 0) : IBatchedWorldModel
{
    private readonly float[] _obs = new float[maxBatch * 3], _act = new float[maxBatch];
    private readonly float[] _next = new float[maxBatch * 3], _members = new float[members * maxBatch * 3];
    private readonly float[] _reward = new float[maxBatch], _dis = new float[maxBatch];

    public int ObsDim => 3;
    public int ActDim => 1;
    public int Members => members;
    public int MaxBatch => maxBatch;
    public long Runs { get; private set; }

    public Span<float> ObsInput(int n) => _obs.AsSpan(0, n * 3);
    public Span<float> ActionInput(int n) => _act.AsSpan(0, n);
    public ReadOnlySpan<float> NextObsMean(int n) => _next.AsSpan(0, n * 3);
    public ReadOnlySpan<float> NextObsMembers(int n) => _members.AsSpan(0, members * n * 3);
    public ReadOnlySpan<float> Reward(int n) => _reward.AsSpan(0, n);
    public ReadOnlySpan<float> Disagreement(int n) => _dis.AsSpan(0, n);

    public void Run(int n)
    {
        Runs++;
        for (int p = 0; p < n; p++)
        {
            double c = _obs[p * 3], s = _obs[p * 3 + 1], w = _obs[p * 3 + 2];
            double u = Math.Clamp(_act[p], -2, 2);
            double th = Math.Atan2(s, c);
            _reward[p] = (float)-(th * th + 0.1 * w * w + 0.001 * u * u);
            double mc = 0, ms = 0, mw = 0;
            for (int e = 0; e < members; e++)
            {
                double g = 10 * (1 + e * spread);
                double w2 = Math.Clamp(w + (1.5 * g * s + 3 * u) * 0.05, -8, 8);
                double th2 = th + w2 * 0.05;
                int o = (e * n + p) * 3;
                _members[o] = (float)Math.Cos(th2); _members[o + 1] = (float)Math.Sin(th2); _members[o + 2] = (float)w2;
                mc += _members[o]; ms += _members[o + 1]; mw += _members[o + 2];
            }
            _next[p * 3] = (float)(mc / members); _next[p * 3 + 1] = (float)(ms / members); _next[p * 3 + 2] = (float)(mw / members);
            double dmax = 0;
            for (int e = 0; e < members; e++)
            {
                int o = (e * n + p) * 3;
                double d0 = _members[o] - _next[p * 3], d1 = _members[o + 1] - _next[p * 3 + 1], d2 = _members[o + 2] - _next[p * 3 + 2];
                dmax = Math.Max(dmax, Math.Sqrt(d0 * d0 + d1 * d1 + d2 * d2));
            }
            _dis[p] = (float)dmax;
        }
    }
}
