using Robotics.Core.Models;
using Robotics.Runtime.Models;
using Robotics.Runtime.Tests.Fakes;
using Robotics.Sim.Environments;

namespace Robotics.Runtime.Tests.Inverse;

public class OnnxInverseModelTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ExactPendulumInverse_RecoversTheTorqueThatMovedTheRobot()
    {
        using var model = OnnxInverseModel.Load(InverseModelFiles.WriteExactPendulum(_dir.Path), ModelFiles.PendulumSpec());
        var env = new Pendulum();
        float[] s = new float[3], next = new float[3], u = new float[1];
        env.Reset(3, s);
        var rng = new Random(1);
        int compared = 0;
        for (int t = 0; t < 200; t++)
        {
            u[0] = (float)(rng.NextDouble() * 4 - 2);
            env.Step(u, next);
            s.CopyTo(model.Obs, 0);
            next.CopyTo(model.NextObs, 0);
            model.Run(1);
            if (Math.Abs(next[2]) < 7.9f) { Assert.Equal(u[0], model.Action[0], 1e-3f); compared++; }   // the 8 rad/s clip hides the torque
            Assert.Equal(0f, model.Disagreement());
            next.CopyTo(s, 0);
        }
        Assert.True(compared > 150, $"only {compared} steps below the velocity clip");
    }

    [Fact]
    public void MembersThatDisagree_GiveTheirMeanAndSpread()
    {
        using var model = OnnxInverseModel.Load(InverseModelFiles.WriteExactPendulum(_dir.Path, members: 3, spread: 0.1f), ModelFiles.PendulumSpec());
        Assert.Equal(3, model.Members);
        // At rest hanging down (sin 0) with d thdot = 0.15: the exact torque is 1; members 0.9, 1.0, 1.1.
        float[] s = [1, 0, 0], next = [1, 0, 0.15f];
        s.CopyTo(model.Obs, 0); next.CopyTo(model.NextObs, 0);
        model.Run(1);
        Assert.Equal(1f, model.Action[0], 1e-4f);
        Assert.Equal(0.9f, model.ActionMembers[0], 1e-4f);
        Assert.Equal(1.1f, model.ActionMembers[2], 1e-4f);
        Assert.Equal(0.1f * MathF.Sqrt(2f / 3f), model.ActionStd[0], 1e-4f);
        Assert.Equal(model.ActionStd[0] / 2f, model.Disagreement(), 1e-6f);   // over the half-range of [-2, 2]
    }

    [Fact]
    public void AnotherKindOfModel_IsRefusedAtLoadOnOneLine()
    {
        string path = ModelFiles.WritePendulum(_dir.Path, ModelFiles.PendulumCard());   // a dynamics ensemble
        var e = Assert.Throws<InvalidDataException>(() => OnnxInverseModel.Load(path, ModelFiles.PendulumSpec()));
        Assert.True(e.Message.Contains("is a 'ensemble-dynamics' model, not an 'inverse-dynamics' one"), e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ACardForAnotherRobot_IsRefusedAtLoadOnOneLine()
    {
        string path = InverseModelFiles.WriteExactPendulum(_dir.Path, card: InverseModelFiles.Card(1) with
        {
            ActionSpace = new CardSpace(["force"], [-2f], [2f]),
        });
        var e = Assert.Throws<ModelCardMismatchException>(() => OnnxInverseModel.Load(path, ModelFiles.PendulumSpec()));
        Assert.Contains("action dimension 0 is 'force' but robot 'fake' has 'torque'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AGraphWhoseShapesDisagreeWithTheCard_IsRefusedAtLoadOnOneLine()
    {
        string path = InverseModelFiles.WriteExactPendulum(_dir.Path, card: InverseModelFiles.Card(1) with
        {
            ActionSpace = new CardSpace(["torque", "extra"], [-2f, -1f], [2f, 1f]),
        });
        var e = Assert.Throws<InvalidDataException>(() => OnnxInverseModel.Load(path, robot: null));
        Assert.Contains("inverse graph 'action' is [-1, 1], the card's action space needs [N, 2]", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Run_AllocatesZeroBytes_AfterWarmUp()
    {
        using var model = OnnxInverseModel.Load(InverseModelFiles.WriteExactPendulum(_dir.Path, members: 3, spread: 0.1f), ModelFiles.PendulumSpec());
        model.Run(1);
        float d = 0;
        Action window = () =>
        {
            for (int i = 0; i < 1_000; i++)
            {
                model.NextObs[2] = i * 1e-3f;
                model.Run(1);
                d += model.Disagreement();
            }
        };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

        Assert.True(d > 0);
    }
}
