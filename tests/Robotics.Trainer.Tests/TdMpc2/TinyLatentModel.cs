using Robotics.Trainer.Native;
using Robotics.Trainer.TdMpc2;
using TorchSharp;
using static TorchSharp.torch;

namespace Robotics.Trainer.Tests.TdMpc2;

/// <summary>
/// A tiny TD-MPC2 world model (obs 3, act 1, latent 16, widths 16, 3 Q heads) with every weight drawn at
/// random, so no zero-initialised head hides a wrong graph, exported to a temporary directory once.
/// </summary>
public sealed class TinyLatentModel : IDisposable
{
    public const int Horizon = 3;
    public const float Discount = 0.97f;

    public TinyLatentModel()
    {
        TorchSetup.Ensure(1);
        Options = new TdMpc2ModelOptions { LatentDim = 16, EncoderDim = 16, MlpDim = 16, QHeads = 3, Bins = 21 };
        Model = new LatentWorldModel(3, 1, Options, new Generator(7));
        using (no_grad())
        {
            var g = new Generator(11);
            foreach (var p in Model.parameters()) p.copy_(randn(p.shape, generator: g).mul_(0.4));
        }
        Model.eval();
        Parameters = TdMpc2Export.Parameters(Model, Discount);
        Dir = Directory.CreateTempSubdirectory("tdmpc2-export-").FullName;
        var env = new Robotics.Sim.Environments.Pendulum(0);
        var o = new TdMpc2Options { EnvId = "pendulum", OutDir = Dir, Model = Options, Planner = new() { Horizon = Horizon } };
        Card = TdMpc2Export.Card(Parameters, o, env, new string('0', 64), 0);
        TdMpc2Export.Write(Parameters, Card, Horizon, Dir);
    }

    internal TdMpc2ModelOptions Options { get; }
    internal LatentWorldModel Model { get; }
    internal Robotics.Core.Onnx.Latent.LatentModelParameters Parameters { get; }
    internal Robotics.Core.Models.ModelCard Card { get; }
    public string Dir { get; }
    public string File(string name) => Path.Combine(Dir, name);

    public void Dispose()
    {
        Model.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}
