using Robotics.Sim.Environments;
using Robotics.Sim.Environments.Faults;

namespace Robotics.Sim.Tests;

public class FaultInjectionTests
{
    private static FaultyEnvironment Pendulum(params string[] faults) =>
        new(new Pendulum(), faults.Select(FaultSpec.Parse).ToArray(), seed: 1);

    [Fact]
    public void GainLoss_HalvesTheAppliedTorque_FromItsStartStep()
    {
        var env = Pendulum("gain:factor=0.5,start=3");
        var obs = new float[3];
        env.Reset(0, obs);
        for (int k = 0; k < 6; k++)
        {
            env.Step([1.5f], obs);
            Assert.Equal(k < 3 ? 1.5f : 0.75f, env.AppliedAction[0]);
        }
    }

    [Fact]
    public void StuckActuator_HoldsTheActionAppliedBeforeTheStart_OrTheGivenValue()
    {
        var env = Pendulum("stuck:start=2");
        var obs = new float[3];
        env.Reset(0, obs);
        float[] sent = [0.3f, -0.7f, 1.9f, -2f, 0f];
        var applied = new List<float>();
        foreach (float u in sent) { env.Step([u], obs); applied.Add(env.AppliedAction[0]); }
        Assert.Equal([0.3f, -0.7f, -0.7f, -0.7f, -0.7f], applied);

        var fixedValue = Pendulum("stuck:value=1.25");
        fixedValue.Reset(0, obs);
        fixedValue.Step([-2f], obs);
        Assert.Equal(1.25f, fixedValue.AppliedAction[0]);
    }

    [Fact]
    public void Delay_AppliesEachCommandTwoPeriodsLate_TheSafeActionFillingTheGap()
    {
        var env = Pendulum("delay:steps=2");
        var obs = new float[3];
        env.Reset(0, obs);
        var applied = new List<float>();
        foreach (float u in new[] { 1f, 2f, -1f, 0.5f }) { env.Step([u], obs); applied.Add(env.AppliedAction[0]); }
        Assert.Equal([0f, 0f, 1f, 2f], applied);
    }

    [Fact]
    public void SensorBiasAndNoise_ChangeWhatIsReported_NotTheTrueState()
    {
        var clean = new Pendulum();
        var env = Pendulum("bias:value=0.25,dim=2", "noise:std=0.1,dim=0");
        float[] a = new float[3], b = new float[3];
        clean.Reset(4, a);
        env.Reset(4, b);
        double sum = 0, sq = 0;
        for (int k = 0; k < 2000; k++)
        {
            if (k % 200 == 0) { clean.Reset(k, a); env.Reset(k, b); }
            clean.Step([0.5f], a);
            env.Step([0.5f], b);
            Assert.Equal(a[2] + 0.25f, b[2], 5);
            Assert.Equal(a[1], b[1]);
            double d = b[0] - a[0];
            sum += d; sq += d * d;
        }
        Assert.InRange(sum / 2000, -0.01, 0.01);
        Assert.InRange(Math.Sqrt(sq / 2000), 0.09, 0.11);
    }

    [Fact]
    public void DroppedStates_RepeatThePreviousObservation()
    {
        var env = Pendulum("drop:p=1,start=2");
        var obs = new float[3];
        env.Reset(0, obs);
        env.Step([2f], obs);
        env.Step([2f], obs);
        float[] held = (float[])obs.Clone();
        env.Step([2f], obs);
        env.Step([2f], obs);
        Assert.Equal(held, obs);
        Assert.NotEqual(((Pendulum)env.Inner).State.ThetaDot, (double)held[2], 6);
    }

    [Fact]
    public void Faults_AreRecordedInTheEpisodeMetadata_InCanonicalForm()
    {
        var env = Pendulum("gain:factor=0.5,start=100", "noise:std=0.05,dim=2");
        var meta = new Dictionary<string, string>();
        env.DescribeEpisode(meta);
        Assert.Equal("gain:factor=0.5,start=100;noise:std=0.05,dim=2,start=0", meta["faults"]);
        Assert.Equal(FaultSpec.Parse("gain:factor=0.5,start=100"), FaultSpec.Parse(FaultSpec.Parse("gain:factor=0.5,start=100").ToString()));
    }

    [Theory]
    [InlineData("melt", "unknown kind 'melt'")]
    [InlineData("gain:factor", "'factor' is not key=value")]
    [InlineData("gain:colour=2", "unknown key 'colour'")]
    [InlineData("drop:p=2", "p must be in [0, 1]")]
    [InlineData("delay:steps=0", "steps must be in [1, 1000]")]
    [InlineData("gain:start=-1", "start must be >= 0")]
    public void Parse_RefusesBadFaults_WithOneLine(string text, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => FaultSpec.Parse(text));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AFaultOnADimensionTheRobotLacks_IsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Pendulum("gain:dim=1"));
        Assert.Contains("dim 1 is outside the action space of pendulum", e.Message);
    }

    [Fact]
    public void Step_AllocatesNothing_WithEveryFaultActive()
    {
        var env = Pendulum("gain:factor=0.5", "stuck:dim=0,start=50", "delay:steps=3", "drop:p=0.3", "noise:std=0.01", "bias:value=0.1");
        var obs = new float[3];
        var act = new float[1];
        void Run(int n) { env.Reset(null, obs); for (int k = 0; k < n; k++) { act[0] = k % 5 - 2; env.Step(act, obs); } }
        Run(100);
        Action window = () => Run(1000);
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }
}
