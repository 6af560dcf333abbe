using Robotics.Core.Onnx;
using Robotics.Trainer.Models;

namespace Robotics.Trainer.Export;

/// <summary>
/// The ensemble's one-step prediction as ONNX nodes. The constructor adds the elites' weights and the
/// normalisation statistics to a graph once; <see cref="Apply"/> emits the computation for any
/// (obs [N, obs], action [N, act]) pair into that graph or one of its subgraphs (e.g. a Loop body of a
/// fused rollout), so the weights are stored once however often the step is used.
/// </summary>
public sealed class EnsembleStepGraph
{
    private readonly EnsembleWeights _w;
    private readonly OnnxValue _inMean, _inStd, _outMean, _outStd;
    private readonly OnnxValue[] _weights, _biases;

    public EnsembleStepGraph(OnnxGraphBuilder graph, EnsembleWeights weights, string prefix = "ensemble")
    {
        _w = weights;
        int k = weights.Elites;
        _inMean = graph.Initializer($"{prefix}.input_mean", weights.InputNormalizer.Mean, weights.InputNormalizer.Dimension);
        _inStd = graph.Initializer($"{prefix}.input_std", weights.InputNormalizer.Std, weights.InputNormalizer.Dimension);
        _outMean = graph.Initializer($"{prefix}.output_mean", weights.OutputNormalizer.Mean, weights.OutputNormalizer.Dimension);
        _outStd = graph.Initializer($"{prefix}.output_std", weights.OutputNormalizer.Std, weights.OutputNormalizer.Dimension);
        _weights = new OnnxValue[weights.LayerWeights.Count];
        _biases = new OnnxValue[weights.LayerWeights.Count];
        for (int l = 0; l < _weights.Length; l++)
        {
            var (inDim, outDim) = weights.LayerShapes[l];
            _weights[l] = graph.Initializer($"{prefix}.w{l}", weights.LayerWeights[l], k, inDim, outDim);
            _biases[l] = graph.Initializer($"{prefix}.b{l}", weights.LayerBiases[l], k, 1, outDim);
        }
    }

    public int ObsDim => _w.ObsDim;
    public int ActDim => _w.ActDim;
    public int Elites => _w.Elites;

    /// <summary>The step's outputs; shapes for N input rows and K elites.</summary>
    /// <param name="NextObs">[N, obs]</param>
    /// <param name="Reward">[N]</param>
    /// <param name="NextObsMembers">[K, N, obs]</param>
    /// <param name="Disagreement">[N]</param>
    public readonly record struct Outputs(OnnxValue NextObs, OnnxValue Reward, OnnxValue NextObsMembers, OnnxValue Disagreement);

    /// <summary>Emits one step into <paramref name="g"/> (this graph or a subgraph of it).</summary>
    public Outputs Apply(OnnxGraphBuilder g, OnnxValue obs, OnnxValue action)
    {
        int obsDim = _w.ObsDim;
        OnnxValue x = g.Div(g.Sub(g.Concat(1, obs, action), _inMean), _inStd);      // [N, in], normalised
        OnnxValue h = x;
        for (int l = 0; l < _weights.Length; l++)
        {
            OnnxValue z = g.Add(g.MatMul(h, _weights[l]), _biases[l]);               // [N,in] x [K,in,out] -> [K,N,out]
            h = l < _weights.Length - 1 ? g.Silu(z) : z;
        }
        OnnxValue mu = h;                                                           // [K, N, obs+1], normalised
        OnnxValue y = g.Add(g.Mul(mu, _outStd), _outMean);
        OnnxValue members = g.Add(g.Slice(y, [0], [obsDim], [2]), obs);              // [K, N, obs]
        OnnxValue nextObs = g.ReduceMean(members, [0], keepDims: false);
        OnnxValue reward = g.ReduceMean(g.Squeeze(g.Slice(y, [obsDim], [obsDim + 1], [2]), 2), [0], keepDims: false);
        OnnxValue muObs = g.Slice(mu, [0], [obsDim], [2]);
        OnnxValue deviation = g.Sub(muObs, g.ReduceMean(muObs, [0], keepDims: true));
        OnnxValue squared = g.ReduceSum(g.Mul(deviation, deviation), [2], keepDims: false); // [K, N]
        OnnxValue disagreement = g.Sqrt(g.ReduceMax(squared, [0], keepDims: false));        // [N]
        return new Outputs(nextObs, reward, members, disagreement);
    }
}
