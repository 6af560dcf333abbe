namespace Robotics.Sim.Mujoco;

/// <summary>The MJCF models written for this project (Models/*.xml), embedded in the assembly.</summary>
public static class MujocoModels
{
    public const string Cartpole = "cartpole.xml";
    public const string Pendulum = "pendulum.xml";
    public const string Reacher = "reacher.xml";
    public const string Cheetah = "cheetah.xml";
    public const string Arm3 = "arm3.xml";

    /// <summary>The MJCF text of an embedded model, e.g. <see cref="Cartpole"/>.</summary>
    public static string Xml(string name)
    {
        using var stream = typeof(MujocoModels).Assembly.GetManifestResourceStream("Robotics.Sim.Mujoco.Models." + name)
            ?? throw new MujocoException($"MuJoCo: no embedded model '{name}'");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Not real-time. Compiles an embedded model; errors name it as "Models/NAME".</summary>
    public static MujocoSimulation Load(string name, Microsoft.Extensions.Logging.ILogger? logger = null) =>
        MujocoSimulation.FromXml(Xml(name), "Models/" + name, logger);
}
