using Robotics.Sim.Environments;

namespace Robotics.Trainer.TdMpc2;

/// <summary>Writes the trained model for the runtime (filled in with the ONNX export).</summary>
internal static class TdMpc2Export
{
    public static void Write(LatentWorldModel model, TdMpc2Options options, IEnvironment env, float discount, string dir)
    {
        Directory.CreateDirectory(dir);
        model.save(Path.Combine(dir, "weights.bin"));
    }
}
