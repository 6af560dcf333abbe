using Microsoft.Extensions.Logging.Abstractions;
using Robotics.Core.Models;
using Robotics.Core.Onnx.Latent;
using Robotics.Runtime.Controllers.LatentMpc;
using Robotics.Runtime.Models;
using Robotics.Runtime.Planning;
using Robotics.Trainer.TdMpc2;

namespace Robotics.Trainer.Tests.TdMpc2;

/// <summary>The runtime's ONNX latent MPPI returns the trainer's TorchSharp action, and allocates nothing per plan.</summary>
public sealed class LatentPlannerParityTests(TinyLatentModel tiny) : IClassFixture<TinyLatentModel>
{
    private static readonly LatentMppiOptions Options = new() { Horizon = TinyLatentModel.Horizon, Iterations = 4, Samples = 64, PolicySamples = 6, Elites = 12 };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RuntimePlanner_ReturnsTheTrainersAction_GivenTheSameObservationWarmStartAndNoise(bool explore)
    {
        var reference = new TdMpc2Planner(tiny.Model, Options, TinyLatentModel.Discount);
        using var model = Load();
        var runtime = new LatentMppiPlanner(model, Options);
        var noise = new LatentMppiNoise(Options, 1, 3);
        var gaussian = new GaussianSampler(new Random(3));
        var obsRng = new Random(4);
        var action = new float[1];
        // Five consecutive plans: the first without a warm start, the others from each planner's own previous mean.
        for (int step = 0; step < 5; step++)
        {
            float[] obs = [(float)(obsRng.NextDouble() * 2 - 1), (float)(obsRng.NextDouble() * 2 - 1), (float)(obsRng.NextDouble() * 8 - 4)];
            noise.Fill(gaussian);
            float[] expected = reference.Act(obs, step == 0, explore, noise);
            runtime.Act(obs, step == 0, explore, noise, action);
            Assert.True(Math.Abs(expected[0] - action[0]) <= 1e-4f, $"step {step}: trainer {expected[0]:R}, runtime {action[0]:R}");
            for (int i = 0; i < reference.PreviousMean.Length; i++)
                Assert.True(Math.Abs(reference.PreviousMean[i] - runtime.Mean[i]) <= 1e-4f, $"step {step}: warm-start mean [{i}] trainer {reference.PreviousMean[i]:R}, runtime {runtime.Mean[i]:R}");
        }
    }

    [Fact]
    public void Controller_AllocatesNothingPerPlan_AfterWarmUp()
    {
        using var model = Load();
        using var controller = new LatentMpcController(model, Options, new Robotics.Sim.Environments.Pendulum(0).ActionSpace, seed: 1);
        float[] obs = [1f, 0f, 0.5f];
        var action = new float[1];
        for (int i = 0; i < 3; i++) controller.Act(obs, action);
        Action window = () =>
        {
            for (int i = 0; i < 30; i++)
            {
                obs[2] = i * 0.1f;
                controller.Act(obs, action);
                controller.Observe(action, Robotics.Core.Robots.SafetyDecision.Ok);
            }
        };
        long allocated = SteadyStateAllocation.Bytes(window);

        Assert.Equal(0, allocated);
        Assert.InRange(action[0], -2f, 2f);
        Assert.Equal(5, controller.Candidates.Length);
    }

    [Fact]
    public void Load_RefusesAPlannerHorizonTheValueGraphWasNotBuiltFor()
    {
        var e = Assert.Throws<InvalidDataException>(() =>
            LatentOnnxModel.Load(ModelFile.Read(tiny.File(LatentGraphNames.EncodeFile)), Options with { Horizon = 5 }, 1, ProviderPreference.Cpu, NullLogger.Instance));
        Assert.Contains("horizon 3", e.Message);
    }

    private LatentOnnxModel Load() =>
        LatentOnnxModel.Load(ModelFile.Read(tiny.File(LatentGraphNames.EncodeFile)), Options, 1, ProviderPreference.Cpu, NullLogger.Instance);
}
