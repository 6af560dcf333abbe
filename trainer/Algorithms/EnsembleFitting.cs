using Robotics.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Robotics.Trainer.Algorithms;

/// <summary>
/// The regression core every ensemble in the trainer shares (PETS dynamics, inverse dynamics): given the
/// training and validation rows of any x -> y problem,
/// 1. fit input and target normalisation on the training rows;
/// 2. give every member its own bootstrap sample of the training rows;
/// 3. each epoch, walk all members through shuffled minibatches of their bootstrap at once and take Adam
///    steps on the Gaussian NLL + log-variance bound penalty + L2 weight decay;
/// 4. after each epoch score every member's mean prediction on the validation rows; keep each member's best
///    weights; stop when no member improved by 1% for <see cref="EnsembleOptions.Patience"/> epochs;
/// 5. put each member's best weights back.
/// The caller owns the split (by row for PETS, by episode for inverse dynamics) and the generator, so one seed
/// gives one run.
/// </summary>
internal static class EnsembleFitting
{
    /// <summary>Row-major rows: inputs [n, InputDim], targets [n, TargetDim].</summary>
    internal sealed record Rows(float[] Inputs, float[] Targets, int InputDim, int TargetDim)
    {
        public int Count => Inputs.Length / InputDim;
    }

    /// <summary>What fitting produced; the caller owns (and disposes) <see cref="Network"/>.</summary>
    internal sealed record Result(ProbabilisticEnsemble Network, Standardizer InputNorm, Standardizer OutputNorm,
                                  double[] MemberValidationMse, IReadOnlyList<EpochReport> History);

    public static Result Fit(Rows train, Rows validation, EnsembleOptions options, Random rng, IProgress<EpochReport>? progress,
                             TimeProvider time, long started, CancellationToken cancellationToken)
    {
        int e = options.Members, nTrain = train.Count, nVal = validation.Count, inDim = train.InputDim, outDim = train.TargetDim;
        // 1. Normalisation from the training rows only.
        var inputNorm = Standardizer.Fit(train.Inputs, inDim);
        var outputNorm = Standardizer.Fit(train.Targets, outDim);
        using Tensor xTrain = Normalise(train.Inputs, inputNorm, nTrain);
        using Tensor yTrain = Normalise(train.Targets, outputNorm, nTrain);
        using Tensor xVal1 = Normalise(validation.Inputs, inputNorm, nVal);
        using Tensor xVal = xVal1.unsqueeze(0).expand(e, nVal, inDim).contiguous();
        using Tensor yVal1 = Normalise(validation.Targets, outputNorm, nVal);
        using Tensor yVal = yVal1.unsqueeze(0);

        using var generator = new Generator((ulong)options.Seed);
        var network = new ProbabilisticEnsemble(e, inDim, outDim, options.HiddenUnits, options.HiddenLayers, generator);
        try
        {
            using var optimizer = optim.Adam(network.parameters(), options.LearningRate);

            // 2. One bootstrap sample (with replacement) of the training rows per member.
            var bootstrap = new long[e][];
            for (int m = 0; m < e; m++)
            {
                bootstrap[m] = new long[nTrain];
                for (int i = 0; i < nTrain; i++) bootstrap[m][i] = rng.Next(nTrain);
            }

            int batch = Math.Min(options.BatchSize, nTrain);
            int steps = (nTrain + batch - 1) / batch;
            var best = Enumerable.Repeat(double.PositiveInfinity, e).ToArray();
            var bestWeights = network.Weights.Concat(network.Biases).Select(p => p.detach().clone()).ToArray();
            var history = new List<EpochReport>();
            int epochsWithoutProgress = 0;
            var batchIndex = new long[e * batch];

            for (int epoch = 1; epoch <= options.Epochs && epochsWithoutProgress < options.Patience; epoch++)
            {
                // 3. One pass: every member sees its own bootstrap in a fresh order.
                foreach (long[] b in bootstrap) rng.Shuffle(b);
                double nllSum = 0;
                for (int s = 0; s < steps; s++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    int start = Math.Min(s * batch, nTrain - batch); // the last batch overlaps the previous one instead of shrinking
                    for (int m = 0; m < e; m++) Array.Copy(bootstrap[m], start, batchIndex, m * batch, batch);
                    Tensor idx = tensor(batchIndex);
                    Tensor x = xTrain.index_select(0, idx).view(e, batch, inDim);
                    Tensor y = yTrain.index_select(0, idx).view(e, batch, outDim);
                    nllSum += AdamStep(network, optimizer, x, y, options);
                }

                // 4. Validation: MSE of each member's mean; keep each member's best weights.
                double[] mse = MemberMse(network, xVal, yVal);
                bool progressed = false;
                for (int m = 0; m < e; m++)
                {
                    if (!(mse[m] < best[m] * (1 - options.ImprovementThreshold)) && !double.IsPositiveInfinity(best[m])) continue;
                    progressed = true;
                    best[m] = mse[m];
                    CopyMember(network.Weights.Concat(network.Biases).ToArray(), bestWeights, m);
                }
                epochsWithoutProgress = progressed ? 0 : epochsWithoutProgress + 1;
                var report = new EpochReport(epoch, options.Epochs, nllSum / steps, mse.Average(), best.Average(), time.GetElapsedTime(started));
                history.Add(report);
                progress?.Report(report);
            }

            // 5. Best weights back.
            CopyAll(bestWeights, network.Weights.Concat(network.Biases).ToArray());
            foreach (var t in bestWeights) t.Dispose();
            return new Result(network, inputNorm, outputNorm, best, history);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One optimiser step on minibatch x [E,B,in], y [E,B,out]: Gaussian NLL summed over members, the
    /// log-variance bound penalty and L2 weight decay. Returns the members' mean NLL.
    /// </summary>
    internal static double AdamStep(ProbabilisticEnsemble network, optim.Optimizer optimizer, Tensor x, Tensor y, EnsembleOptions options)
    {
        var (mean, logVar) = network.forward(x);
        Tensor nll = ProbabilisticEnsemble.GaussianNll(mean, logVar, y).sum();
        Tensor loss = nll + options.LogVarBoundPenalty * (network.MaxLogVar.sum() - network.MinLogVar.sum());
        foreach (var w in network.Weights) loss = loss + 0.5 * options.WeightDecay * w.square().sum();
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        return nll.item<float>() / network.Members;
    }

    private static Tensor Normalise(float[] rows, Standardizer norm, int n)
    {
        using var scope = NewDisposeScope();
        return ((tensor(rows, [n, norm.Dimension]) - tensor(norm.Mean)) / tensor(norm.Std)).MoveToOuterDisposeScope();
    }

    private static double[] MemberMse(ProbabilisticEnsemble network, Tensor xVal, Tensor yVal)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (mean, _) = network.forward(xVal);
        return Array.ConvertAll((mean - yVal).square().mean([1, 2]).data<float>().ToArray(), v => (double)v);
    }

    private static void CopyMember(IReadOnlyList<Tensor> from, IReadOnlyList<Tensor> to, int member)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < from.Count; i++) to[i][member].copy_(from[i][member]);
    }

    private static void CopyAll(IReadOnlyList<Tensor> from, IReadOnlyList<Tensor> to)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < from.Count; i++) to[i].copy_(from[i]);
    }
}
