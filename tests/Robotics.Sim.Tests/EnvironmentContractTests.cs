using Robotics.Sim.Environments;

namespace Robotics.Sim.Tests;

/// <summary>What every registered environment promises: Gymnasium reset/step semantics, bounded observations,
/// an analytic cost equal to the negative reward, a valid spec, and an allocation-free step.</summary>
public class EnvironmentContractTests
{
    public static TheoryData<string> Ids => new(EnvironmentRegistry.Ids);
    /// <summary>The hand-written robots: Gymnasium-style rewards on the state before the step, 50 ms periods.</summary>
    public static TheoryData<string> HandWrittenIds => new("pendulum", "cartpole-swingup", "reacher2d");

    [Fact]
    public void Registry_ListsTheBuiltInRobotsAndTheMujocoTasks()
    {
        Assert.Equal(["pendulum", "cartpole-swingup", "reacher2d", "cartpole", "pendulum-pos", "cartpole-swingup-pos", "mj-cartpole-balance", "mj-cartpole-swingup", "mj-cartpole-swingup-sparse",
                      "mj-pendulum-swingup", "mj-reacher-easy", "mj-reacher-hard", "mj-cheetah-run", "mj-arm3-reach"], EnvironmentRegistry.Ids);
        foreach (string id in EnvironmentRegistry.Ids) Assert.Equal(id, EnvironmentRegistry.Create(id).Id);
        var e = Assert.Throws<ArgumentException>(() => EnvironmentRegistry.Create("nope"));
        Assert.Contains("reacher2d", e.Message);
    }

    [Theory, MemberData(nameof(Ids))]
    public void Reset_WithSameSeed_ReproducesTheTrajectory(string id)
    {
        var a = EnvironmentRegistry.Create(id, seed: 1);
        var b = EnvironmentRegistry.Create(id, seed: 2);
        var (oa, ob) = (new float[a.ObservationSpace.Dimension], new float[b.ObservationSpace.Dimension]);
        a.Reset(42, oa);
        b.Reset(42, ob);
        Assert.Equal(oa, ob);
        var actions = new Random(7);
        var act = new float[a.ActionSpace.Dimension];
        for (int k = 0; k < 50; k++)
        {
            RandomAction(actions, a, act);
            var ra = a.Step(act, oa);
            var rb = b.Step(act, ob);
            Assert.Equal(ra, rb);
            Assert.Equal(oa, ob);
        }
        // A different seed gives a different start; no seed continues the generator seeded at construction.
        b.Reset(43, ob);
        a.Reset(42, oa);
        // The cheetah settles for 200 physics steps before its episode (DMC): every start converges to one rest pose.
        if (id != "mj-cheetah-run") Assert.NotEqual(oa, ob);
        var c = EnvironmentRegistry.Create(id, seed: 42);
        var oc = new float[oa.Length];
        c.Reset(null, oc);
        Assert.Equal(oa, oc);
    }

    [Theory, MemberData(nameof(Ids))]
    public void Observations_StayInsideTheObservationSpace_UnderRandomAndOutOfRangeActions(string id)
    {
        var env = EnvironmentRegistry.Create(id, seed: 5);
        var obs = new float[env.ObservationSpace.Dimension];
        var act = new float[env.ActionSpace.Dimension];
        var rng = new Random(11);
        for (int episode = 0; episode < 20; episode++)
        {
            env.Reset(null, obs);
            Assert.True(env.ObservationSpace.Contains(obs), $"{id} reset obs [{string.Join(", ", obs)}]");
            for (int k = 0; k < env.MaxEpisodeSteps; k++)
            {
                RandomAction(rng, env, act, scale: 1.5f); // beyond the bounds: the environment clips
                var r = env.Step(act, obs);
                Assert.True(env.ObservationSpace.Contains(obs), $"{id} step {k} obs [{string.Join(", ", obs)}]");
                Assert.True(float.IsFinite(r.Reward));
                if (r.Done) break;
            }
        }
    }

    [Theory, MemberData(nameof(HandWrittenIds))]
    public void AnalyticCost_EqualsNegativeReward_OfTheSameStep(string id)
    {
        var env = EnvironmentRegistry.Create(id, seed: 9);
        var obs = new float[env.ObservationSpace.Dimension];
        var before = new float[obs.Length];
        var act = new float[env.ActionSpace.Dimension];
        var rng = new Random(3);
        int checkedSteps = 0;
        for (int episode = 0; episode < 5; episode++)
        {
            env.Reset(null, obs);
            for (int k = 0; k < env.MaxEpisodeSteps; k++)
            {
                RandomAction(rng, env, act, scale: 1.2f);
                obs.CopyTo(before, 0);
                var r = env.Step(act, obs);
                float cost = env.Cost.Cost(before, act);
                // The cost sees float32 observations, the reward float64 state: equal up to float rounding.
                Assert.True(Math.Abs(cost + r.Reward) <= 1e-5 * (1 + Math.Abs(r.Reward)),
                    $"{id} step {k}: cost {cost:R} vs reward {r.Reward:R}");
                checkedSteps++;
                if (r.Done) break;
            }
        }
        Assert.True(checkedSteps >= 5);
    }

    [Theory, MemberData(nameof(HandWrittenIds))]
    public void Spec_DeclaresNamedSpacesPeriodAndASafeActionInsideTheActionSpace(string id)
    {
        var env = EnvironmentRegistry.Create(id);
        var spec = env.ToSpec("r1");
        Assert.Equal(id, spec.EnvId);
        Assert.Equal(env.ObservationSpace, spec.ObservationSpace);
        Assert.Equal(TimeSpan.FromMilliseconds(50), spec.ControlPeriod);
        Assert.True(env.ActionSpace.Contains(env.SafeAction));
        Assert.All(env.SafeAction, v => Assert.Equal(0f, v));
        Assert.Equal(env.ObservationSpace.Dimension, env.ObservationSpace.Names.Distinct().Count());
        Assert.Equal(env.ActionSpace.Dimension, env.ActionSpace.Names.Distinct().Count());
        env.SafeAction[0] = 99f; // callers get a copy
        Assert.Equal(0f, env.SafeAction[0]);
    }

    [Theory, MemberData(nameof(Ids))]
    public void StepResetAndCost_AllocateNothing_AfterWarmUp(string id)
    {
        var env = EnvironmentRegistry.Create(id, seed: 2);
        var obs = new float[env.ObservationSpace.Dimension];
        var act = new float[env.ActionSpace.Dimension];
        var cost = env.Cost;
        void Run(int steps)
        {
            env.Reset(null, obs);
            for (int k = 0; k < steps; k++)
            {
                act[0] = (k % 7 - 3) * 0.3f;
                cost.Cost(obs, act);
                if (env.Step(act, obs).Done) env.Reset(k, obs); // seeded resets re-seed in place
            }
        }
        Run(300);
        Action window = () => Run(1000);
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }

    private static void RandomAction(Random rng, IEnvironment env, float[] act, float scale = 1f)
    {
        for (int i = 0; i < act.Length; i++)
        {
            float lo = env.ActionSpace.Low[i], hi = env.ActionSpace.High[i];
            float mid = (lo + hi) / 2, half = (hi - lo) / 2 * scale;
            act[i] = mid + (float)(rng.NextDouble() * 2 - 1) * half;
        }
    }
}
