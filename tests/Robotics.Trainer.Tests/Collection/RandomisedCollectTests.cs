using System.Globalization;
using Robotics.Core.Episodes;
using Robotics.Tests.Support;

namespace Robotics.Trainer.Tests.Collection;

/// <summary><c>collect</c> on a randomised MuJoCo robot: each episode's file records the physics it was collected with, seeded.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class RandomisedCollectTests : IDisposable
{
    private readonly TempDirectory _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void Collect_OnARandomisedMujocoRobot_RecordsEachEpisodesPhysicsInItsParquetMetadata_Reproducibly()
    {
        IReadOnlyDictionary<string, string>[] Collect(string name)
        {
            string dir = _tmp.Combine(name);
            var (code, _, stderr) = CollectCli.Run("--env", "mj-cartpole-swingup:repeat=10,randomise", "--episodes", "3", "--seed", "5", "--out", dir);
            Assert.True(code == 0, stderr);
            return EpisodeFiles.List(dir).Select(EpisodeReader.ReadMetadata).ToArray();
        }
        var first = Collect("a");
        var again = Collect("b");
        Assert.Equal(3, first.Length);
        var masses = new HashSet<string>();
        for (int e = 0; e < 3; e++)
        {
            var m = first[e];
            Assert.Equal("mj-cartpole-swingup:repeat=10,randomise", m["robotics.env"]);
            Assert.Equal("Models/cartpole.xml", m["robotics.mujoco.model"]);
            Assert.Equal("10", m["robotics.mujoco.action_repeat"]);
            double mass = double.Parse(m["robotics.randomisation.mass_scale"], CultureInfo.InvariantCulture);
            double gain = double.Parse(m["robotics.randomisation.actuator_gain_scale"], CultureInfo.InvariantCulture);
            double damping = double.Parse(m["robotics.randomisation.damping_scale"], CultureInfo.InvariantCulture);
            Assert.InRange(mass, 0.8, 1.2);
            Assert.InRange(gain, 0.8, 1.2);
            Assert.InRange(damping, 0.5, 2.0);
            Assert.InRange(int.Parse(m["robotics.randomisation.obs_delay_steps"], CultureInfo.InvariantCulture), 0, 1);
            Assert.Equal("0.01", m["robotics.randomisation.obs_noise_std"]);
            masses.Add(m["robotics.randomisation.mass_scale"]);
            Assert.Equal(first[e].OrderBy(kv => kv.Key), again[e].OrderBy(kv => kv.Key)); // seeded: the same draws
        }
        Assert.Equal(3, masses.Count); // drawn per episode
    }
}
