using Robotics.Runtime.Models;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Fakes;

/// <summary>
/// A world model that is CartPole-v1's true dynamics (the simulator's own <see cref="Cartpole.Integrate"/> on
/// float64 copies of the float32 observations), one member, reward 1 per step: MCTS without training or ONNX.
/// </summary>
public sealed class TrueCartpoleModel(int maxBatch) : IBatchedWorldModel
{
    private readonly float[] _obs = new float[maxBatch * 4], _act = new float[maxBatch];
    private readonly float[] _next = new float[maxBatch * 4], _reward = new float[maxBatch], _dis = new float[maxBatch];

    public int ObsDim => 4;
    public int ActDim => 1;
    public int Members => 1;
    public int MaxBatch => maxBatch;
    public long Runs { get; private set; }

    public Span<float> ObsInput(int n) => _obs.AsSpan(0, n * 4);
    public Span<float> ActionInput(int n) => _act.AsSpan(0, n);
    public ReadOnlySpan<float> NextObsMean(int n) => _next.AsSpan(0, n * 4);
    public ReadOnlySpan<float> NextObsMembers(int n) => _next.AsSpan(0, n * 4);
    public ReadOnlySpan<float> Reward(int n) => _reward.AsSpan(0, n);
    public ReadOnlySpan<float> Disagreement(int n) => _dis.AsSpan(0, n);

    public void Run(int n)
    {
        Runs++;
        for (int p = 0; p < n; p++)
        {
            int o = p * 4;
            double x = _obs[o], xd = _obs[o + 1], th = _obs[o + 2], thd = _obs[o + 3];
            Cartpole.Integrate(ref x, ref xd, ref th, ref thd, Cartpole.Push(_act[p]));
            _next[o] = (float)x; _next[o + 1] = (float)xd; _next[o + 2] = (float)th; _next[o + 3] = (float)thd;
            _reward[p] = 1f;
        }
    }
}
