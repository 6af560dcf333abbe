using Robotics.Safety.Monitors;
using Xunit;

namespace Robotics.Safety.Tests;

public class ActuatorFaultMonitorTests
{
    private static ActuatorFaultMonitor Make(float threshold = 0.2f) =>
        new(new ActuatorFaultMonitorOptions([2f], Alpha: 0.2f, Threshold: threshold), actDim: 1);

    [Fact]
    public void HealthyResidualsBelowThresholdNeverAlarm()
    {
        var m = Make();
        var rng = new Random(1);
        for (int t = 0; t < 2000; t++)
        {
            float a = (float)(rng.NextDouble() * 4 - 2);
            float noise = (float)(rng.NextDouble() * 0.2 - 0.1); // |residual|/scale <= 0.05
            Assert.False(m.Observe([a], [a + noise]));
        }
        Assert.False(m.Alarmed);
        Assert.Equal(-1, m.AlarmStep);
    }

    [Fact]
    public void HalfGainLossOnLargeTorquesAlarmsOnceAndLatches()
    {
        var m = Make();
        int raised = 0;
        for (int t = 0; t < 50; t++)
            if (m.Observe([2f], [1f])) raised++; // executed half the commanded torque: residual 0.5 normalised
        Assert.Equal(1, raised);
        Assert.True(m.Alarmed);
        Assert.Equal(1, m.AlarmStep); // the EWMA is seeded with the first residual
        m.Reset();
        Assert.False(m.Alarmed);
        Assert.Equal(0, m.Steps);
    }

    [Fact]
    public void NonFiniteInferenceCountsAsAFault()
    {
        var m = Make();
        Assert.True(m.Observe([0f], [float.NaN]));
    }

    [Fact]
    public void InvalidOptionsFailWithAClearMessage()
    {
        var e = Assert.Throws<ArgumentException>(() => new ActuatorFaultMonitor(new([2f], 0f, 0.2f), 1));
        Assert.Contains("alpha", e.Message);
        Assert.Throws<ArgumentException>(() => new ActuatorFaultMonitor(new([2f, 1f], 0.2f, 0.2f), 1));
    }

    [Fact]
    public void CalibratedThresholdIsTheHealthyMaxTimesTheMargin()
    {
        Assert.Equal(0.3f, ActuatorFaultMonitor.CalibrateThreshold([0.1f, 0.2f, 0.15f], 1.5f), 5);
        Assert.Throws<ArgumentException>(() => ActuatorFaultMonitor.CalibrateThreshold([0.1f], 1f));
    }

    [Fact]
    public void ObserveAllocatesNothingAfterWarmUp()
    {
        var m = Make(threshold: 10f);
        float[] c = [1f], i = [0.9f];
        for (int t = 0; t < 100; t++) m.Observe(c, i);
        Action window = () => { for (int t = 0; t < 10_000; t++) m.Observe(c, i); };
        Assert.Equal(0, SteadyStateAllocation.Bytes(window));

    }
}
