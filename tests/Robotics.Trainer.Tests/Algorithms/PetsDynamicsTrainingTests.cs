using Robotics.Core.Episodes;
using Robotics.Sim.Environments;
using Robotics.Trainer.Algorithms;
using Robotics.Trainer.Models;
using Robotics.Trainer.Tests.Support;

namespace Robotics.Trainer.Tests.Algorithms;

public class PetsDynamicsTrainingTests
{
    private static readonly EnsembleOptions Small = new()
    {
        Members = 3, Elites = 2, HiddenUnits = 32, HiddenLayers = 2, Epochs = 15, BatchSize = 64, Seed = 1, Threads = 1,
    };

    private static List<Transition> PendulumData(int n, int seed = 0) => RandomRollouts.Collect(new Pendulum(seed), n, seed);

    [Fact]
    public void Train_LearnsPendulumOneStepDynamics()
    {
        using var model = EnsembleTrainer.Train(PendulumData(1500), Small);

        Assert.True(model.ValidationMse < 0.05, $"validation MSE {model.ValidationMse}");
        Assert.True(model.ValidationMse < 0.2 * model.History[0].ValidationMse,
                    $"validation MSE went from {model.History[0].ValidationMse} to {model.ValidationMse}");
        Assert.Equal(150, model.ValidationTransitions);
        Assert.Equal(1350, model.TrainingTransitions);
    }

    [Fact]
    public void Train_IsReproducible_ForASeed()
    {
        var data = PendulumData(300);
        var options = Small with { Epochs = 3 };

        using var a = EnsembleTrainer.Train(data, options);
        using var b = EnsembleTrainer.Train(data, options);
        using var c = EnsembleTrainer.Train(data, options with { Seed = 2 });

        Assert.Equal(a.MemberValidationMse, b.MemberValidationMse);
        Assert.Equal(a.Elites, b.Elites);
        Assert.NotEqual(a.MemberValidationMse, c.MemberValidationMse);
    }

    [Fact]
    public void Train_StopsEarly_WhenNoMemberImprovesEnough()
    {
        // Demanding a 99.9% improvement per epoch: only the first epoch counts as progress.
        using var model = EnsembleTrainer.Train(PendulumData(300), Small with { Epochs = 20, Patience = 2, ImprovementThreshold = 0.999 });

        Assert.Equal(3, model.History.Count);
    }

    [Fact]
    public void Train_ReportsEveryEpoch_AndKeepsEachMembersBestValidationError()
    {
        var reports = new List<EpochReport>();
        using var model = EnsembleTrainer.Train(PendulumData(300), Small with { Epochs = 4 }, new Cli.SyncProgressForTests<EpochReport>(reports.Add));

        Assert.Equal([1, 2, 3, 4], reports.Select(r => r.Epoch));
        Assert.Equal(reports, model.History);
        Assert.Equal(reports.Min(r => r.BestValidationMse), reports[^1].BestValidationMse);
        Assert.Equal(reports[^1].BestValidationMse, model.MemberValidationMse.Average(), 6);
    }

    [Fact]
    public void Train_KeepsTheMembersWithLowestValidationError_AsElites()
    {
        using var model = EnsembleTrainer.Train(PendulumData(300), Small with { Members = 5, Elites = 2, Epochs = 2 });

        var mse = model.MemberValidationMse;
        Assert.Equal(2, model.Elites.Count);
        Assert.True(mse[model.Elites[0]] <= mse[model.Elites[1]]);
        foreach (int other in Enumerable.Range(0, 5).Except(model.Elites))
            Assert.True(mse[model.Elites[1]] <= mse[other]);
        Assert.True(model.DisagreementP99 > 0 && model.DisagreementP99 <= model.DisagreementMax);
    }

    [Fact]
    public void Train_NamesTheTransition_WithNaN()
    {
        var data = PendulumData(50);
        data[23] = data[23] with { Action = [float.NaN] };

        var e = Assert.Throws<InvalidDataException>(() => EnsembleTrainer.Train(data, Small));

        Assert.Equal($"transition 23 (episode {data[23].Episode}, step {data[23].Step}): contains NaN or infinity", e.Message);
    }

    [Fact]
    public void Train_Refuses_InconsistentSizes_TooLittleData_AndBadOptions()
    {
        var mixed = PendulumData(50);
        mixed[7] = mixed[7] with { Obs = [1f, 0f] };
        Assert.Contains("transition 7", Assert.Throws<InvalidDataException>(() => EnsembleTrainer.Train(mixed, Small)).Message);
        Assert.Contains("no transitions", Assert.Throws<InvalidDataException>(() => EnsembleTrainer.Train([], Small)).Message);
        Assert.Contains("at least 10", Assert.Throws<InvalidDataException>(() => EnsembleTrainer.Train(PendulumData(5), Small)).Message);
        Assert.Contains("elites", Assert.Throws<ArgumentException>(() => EnsembleTrainer.Train(mixed, Small with { Elites = 4 })).Message);
        Assert.Contains("validation fraction", Assert.Throws<ArgumentException>(() => new EnsembleOptions { ValidationFraction = 0 }.Validate()).Message);
    }

    [Fact]
    public void Standardizer_FitsMeanAndStd_AndLeavesConstantColumnsUnscaled()
    {
        var s = Standardizer.Fit([1f, 5f, 3f, 5f, 5f, 5f], columns: 2);

        Assert.Equal([3f, 5f], s.Mean);
        Assert.Equal(Math.Sqrt(8.0 / 3), s.Std[0], 5);
        Assert.Equal(1f, s.Std[1]);
    }

    [Fact]
    public void Percentile_InterpolatesLikeNumpy()
    {
        float[] sorted = Enumerable.Range(0, 11).Select(i => (float)i).ToArray();

        Assert.Equal(9.9, TrainedEnsemble.Percentile(sorted, 0.99), 6);
        Assert.Equal(10, TrainedEnsemble.Percentile(sorted, 1.0), 6);
        Assert.Equal(5, TrainedEnsemble.Percentile([5f], 0.99), 6);
    }
}
