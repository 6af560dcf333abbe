using Robotics.Core.Episodes;
using Robotics.Runtime.Planning;
using Robotics.Trainer.Pets;

namespace Robotics.Trainer.Tests.Pets;

/// <summary>The PETS loop planning with MCTS over its exported ensemble on the discrete cart-pole (issue 18).</summary>
public class PetsMctsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pets-mcts-" + Guid.NewGuid().ToString("N")[..8]);
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    [Fact]
    public async Task PetsWithMcts_OnCartpole_WritesTheCurveColumns_AndSendsOnlyPushes()
    {
        var preset = PetsPresets.For("cartpole", _dir);
        // Tiny: a 2 x 16 pair, one iteration, one evaluation episode, 4 simulations with 2 rollouts of 5 steps.
        var o = preset with
        {
            Iterations = 1, EvalEpisodes = 1, Seed = 2, MinGradientSteps = 100, Planner = PlannerKind.Mcts,
            Budget = preset.Budget with { Horizon = 5, Mcts = preset.Budget.Mcts with { Simulations = 4, Rollouts = 2 } },
            Ensemble = preset.Ensemble with { Members = 2, Elites = 2, HiddenUnits = 16, HiddenLayers = 2, Epochs = 5 },
        };
        var log = new StringWriter();
        var results = await new PetsLoop(o, TimeProvider.System, log).RunAsync(default);

        string[] csv = File.ReadAllLines(Path.Combine(_dir, "curve.csv"));
        Assert.Equal(PetsCurve.Header, csv[0]);
        Assert.Equal(2, csv.Length);
        Assert.Equal(4, csv[1].Split(',').Length);
        Assert.True(File.Exists(Path.Combine(_dir, "curve.png")));
        var r = Assert.Single(results);
        // CartPole pays +1 per step for 1..500 steps.
        Assert.InRange(r.EvalReturnMean, 1, 500);
        Assert.True(r.PlanMsMedian > 0);

        // 5 random episodes then one MCTS episode; the tree search sends only the two pushes (CEM would send any float in [0, 1]).
        var episodes = EpisodeReader.ReadEpisodes(Path.Combine(_dir, "data"));
        Assert.Equal(6, episodes.Count);
        Assert.Equal(r.EnvSteps, episodes.Sum(e => (long)e.Length));
        Assert.All(episodes[^1].Transitions, t => Assert.True(t.Action[0] is 0f or 1f, $"action {t.Action[0]}"));
        Assert.Contains("iteration 1:", log.ToString());
    }
}
