using Robotics.Runtime.Planning;
using Robotics.Trainer.Algorithms;

namespace Robotics.Trainer.Pets;

/// <summary>
/// The PETS outer loop's settings. Defaults are sized for Pendulum on a shared 2-core machine: a 5-member
/// ensemble of 3 x 64 SiLU (3 elites) trained for at least <see cref="MinGradientSteps"/> Adam steps per
/// iteration, and CEM with population 200, horizon 15, 3 iterations (a plan is ~50 model batches).
/// </summary>
public sealed record PetsOptions
{
    public required string EnvId { get; init; }
    public required string OutDir { get; init; }
    public int Iterations { get; init; } = 10;
    public int Seed { get; init; }
    /// <summary>Episodes of uniform random actions collected before the first model.</summary>
    public int RandomEpisodes { get; init; } = 1;
    /// <summary>MPC episodes collected per iteration with the model just trained.</summary>
    public int EpisodesPerIteration { get; init; } = 1;
    /// <summary>Evaluation episodes after each iteration (fixed start seeds, not added to the data).</summary>
    public int EvalEpisodes { get; init; } = 5;

    public EnsembleOptions Ensemble { get; init; } = new()
    {
        Members = 5, Elites = 3, HiddenUnits = 64, HiddenLayers = 3, Epochs = 100, BatchSize = 32,
        Patience = 15, LearningRate = 1e-3, Threads = 1,
    };
    /// <summary>Training runs at least this many minibatch steps (epochs are raised on small data sets).</summary>
    public int MinGradientSteps { get; init; } = 1500;

    public PlannerKind Planner { get; init; } = PlannerKind.Cem;
    public PlannerBudget Budget { get; init; } = new() { Horizon = 15, Population = 200, Iterations = 3 };
    /// <summary>ONNX Runtime intra-op threads for planning.</summary>
    public int PlannerThreads { get; init; } = 1;
    /// <summary>Planner cost weight on ensemble disagreement (0: off).</summary>
    public float UncertaintyLambda { get; init; }
    /// <summary>Ensemble-disagreement exploration bonus beta for the data-collection episodes (cost - beta x D); evaluation plans without it. 0: off.</summary>
    public float ExplorationBonus { get; init; }

    public PetsOptions Validate()
    {
        Require(!string.IsNullOrWhiteSpace(EnvId), "pets: env id is empty");
        Require(!string.IsNullOrWhiteSpace(OutDir), "pets: output directory is empty");
        Require(Iterations is >= 1 and <= 1000, $"pets: iterations must be in [1, 1000], got {Iterations}");
        Require(RandomEpisodes is >= 1 and <= 1000, $"pets: random episodes must be in [1, 1000], got {RandomEpisodes}");
        Require(EpisodesPerIteration is >= 1 and <= 1000, $"pets: episodes per iteration must be in [1, 1000], got {EpisodesPerIteration}");
        Require(EvalEpisodes is >= 1 and <= 1000, $"pets: eval episodes must be in [1, 1000], got {EvalEpisodes}");
        Require(MinGradientSteps >= 0, $"pets: min gradient steps must be >= 0, got {MinGradientSteps}");
        Require(PlannerThreads is >= 1 and <= 64, $"pets: planner threads must be in [1, 64], got {PlannerThreads}");
        Require(UncertaintyLambda >= 0 && float.IsFinite(UncertaintyLambda), $"pets: uncertainty lambda must be >= 0, got {UncertaintyLambda}");
        Require(ExplorationBonus >= 0 && float.IsFinite(ExplorationBonus), $"pets: exploration bonus must be >= 0, got {ExplorationBonus}");
        Ensemble.Validate();
        Budget.OptionsFor(Planner);
        return this;
    }

    /// <summary>Epochs for a training set of <paramref name="rows"/> rows so at least <see cref="MinGradientSteps"/> steps run.</summary>
    public int EpochsFor(int rows)
    {
        int trainRows = Math.Max(1, (int)(rows * (1 - Ensemble.ValidationFraction)));
        int stepsPerEpoch = Math.Max(1, (trainRows + Ensemble.BatchSize - 1) / Ensemble.BatchSize);
        return Math.Max(Ensemble.Epochs, (MinGradientSteps + stepsPerEpoch - 1) / stepsPerEpoch);
    }

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}
