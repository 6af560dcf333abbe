using Microsoft.ML.OnnxRuntime;
using Robotics.Core.Onnx;
using Robotics.Sim.Mujoco;
using Robotics.Sim.Mujoco.Costs;
using Robotics.Sim.Mujoco.Tasks;

namespace Robotics.Runtime.Tests.Mujoco;

/// <summary>Each MuJoCo task's ONNX cost (what the fused rollout plans with) equals its C# cost on visited states.</summary>
public sealed class MujocoGraphCostTests
{
    public static TheoryData<string> Tasks => new(MujocoTasks.Ids);

    [Theory, MemberData(nameof(Tasks))]
    public void GraphCost_EqualsTheCSharpCost_OnVisitedStatesAndOutOfRangeActions(string id)
    {
        using var task = MujocoTasks.Create(id, seed: 6);
        int od = task.ObservationSpace.Dimension, ad = task.ActionSpace.Dimension;
        const int n = 1200;
        var obs = new float[n * od];
        var act = new float[n * ad];
        var rng = new Random(4);
        var o = new float[od];
        task.Reset(null, o);
        for (int i = 0; i < n; i++)
        {
            if (i == n / 2) { task.Reset(null, o); Nudge(task); task.Sim.Forward(); }
            for (int j = 0; j < ad; j++) act[i * ad + j] = (float)(rng.NextDouble() * 3 - 1.5);
            task.Step(act.AsSpan(i * ad, ad), o);
            o.CopyTo(obs, i * od);
        }
        var graphCost = task.Cost.GraphForm;
        Assert.NotNull(graphCost);
        var g = new OnnxGraphBuilder("cost");
        g.Output("cost", graphCost!.Build(g, g.Input("obs", ["N", od]), g.Input("action", ["N", ad])), ["N"]);
        float[] got = Run(g.ToModel().Serialize(), obs, [n, od], act, [n, ad]);
        int differing = 0;
        for (int i = 0; i < n; i++)
        {
            float expected = task.Cost.Cost(obs.AsSpan(i * od, od), act.AsSpan(i * ad, ad));
            if (Math.Abs(expected - got[i]) > 1e-5f * Math.Max(1, Math.Abs(expected))) differing++;
        }
        Assert.True(differing == 0, $"{id}: {differing} of {n} graph costs differ from the C# cost");
        Assert.Contains(got, c => c != 0); // the states visited include rewarded ones
    }

    /// <summary>Moves the task towards its rewarded states so both branches of each tolerance are compared.</summary>
    private static void Nudge(MujocoTask task)
    {
        var sim = task.Sim;
        switch (task)
        {
            case CartpoleTask: sim.Qpos[1] = 0.02; break;
            case PendulumSwingupTask: sim.Qpos[0] = 0.01; break;
            case CheetahRunTask: sim.Qvel[0] = 12; break;
            case ReacherTask or Arm3ReachTask:
                int t = sim.Id(MujocoObject.Geom, "target"), f = sim.Id(MujocoObject.Geom, "finger");
                for (int i = 0; i < 3; i++) sim.GeomPos[3 * t + i] = sim.GeomXpos[3 * f + i];
                break;
        }
    }

    private static float[] Run(byte[] model, float[] obs, long[] obsShape, float[] act, long[] actShape)
    {
        using var so = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, so);
        using var a = OrtValue.CreateTensorValueFromMemory(obs, obsShape);
        using var b = OrtValue.CreateTensorValueFromMemory(act, actShape);
        using var ro = new RunOptions();
        using var outs = session.Run(ro, ["obs", "action"], [a, b], ["cost"]);
        return outs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
