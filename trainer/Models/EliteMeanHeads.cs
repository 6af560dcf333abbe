using Robotics.Trainer.Algorithms;
using static TorchSharp.torch;

namespace Robotics.Trainer.Models;

/// <summary>
/// The elites of a trained <see cref="ProbabilisticEnsemble"/> as deployment sees them: their mean heads only (the
/// exported graphs carry no variance head). Shared by the forward ensemble and the inverse-dynamics model, so the
/// trainer's reference forward pass and the weights handed to core's graph builder come from one place. Owns the
/// network: dispose it.
/// </summary>
internal sealed class EliteMeanHeads : IDisposable
{
    private readonly Tensor _eliteIndex;

    public EliteMeanHeads(ProbabilisticEnsemble network, int[] elites)
    {
        Network = network;
        Elites = elites;
        _eliteIndex = tensor(Array.ConvertAll(elites, e => (long)e));
    }

    public ProbabilisticEnsemble Network { get; }
    /// <summary>Indices of the elite members, best validation error first.</summary>
    public IReadOnlyList<int> Elites { get; }

    /// <summary>Every elite's mean head on the same normalised rows <paramref name="x"/> [n, in]: [K, n, out], normalised units.</summary>
    public Tensor Forward(Tensor x) => Network.ForwardMean(x.unsqueeze(0).expand(Elites.Count, x.shape[0], -1).contiguous(), _eliteIndex);

    /// <summary>The elites' mean-head weights [K, in, out] and biases [K, 1, out] per layer as plain arrays, with each layer's shape.</summary>
    public (float[][] Weights, float[][] Biases, (int In, int Out)[] Shapes) Extract()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int layers = Network.HiddenLayers + 1, outDim = Network.OutputDim;
        var weights = new float[layers][];
        var biases = new float[layers][];
        var shapes = new (int In, int Out)[layers];
        for (int l = 0; l < layers; l++)
        {
            Tensor w = Network.Weights[l].index_select(0, _eliteIndex);
            Tensor b = Network.Biases[l].index_select(0, _eliteIndex);
            if (l == layers - 1) { w = w.narrow(2, 0, outDim); b = b.narrow(2, 0, outDim); }   // drop the variance head
            weights[l] = w.contiguous().data<float>().ToArray();
            biases[l] = b.contiguous().data<float>().ToArray();
            shapes[l] = ((int)w.shape[1], (int)w.shape[2]);
        }
        return (weights, biases, shapes);
    }

    public void Dispose()
    {
        _eliteIndex.Dispose();
        Network.Dispose();
    }
}
