using Robotics.Trainer.DreamerV3;
using Robotics.Trainer.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Robotics.Trainer.Tests.DreamerV3;

/// <summary>A tiny DreamerV3 (obs 2, act 1, deter 16 in 2 blocks, 4 x 3 latents, widths 8) with every weight random, so no zero head hides a wrong graph.</summary>
internal sealed class TinyDreamer : IDisposable
{
    public TinyDreamer(int obsDim = 2, int actDim = 1, int seed = 7)
    {
        TorchSetup.Ensure(1);
        Model = new DreamerModelOptions
        {
            Deter = 16, Blocks = 2, Stoch = 4, Classes = 3, Hidden = 8, Units = 8, EncoderLayers = 2, DecoderLayers = 1,
            ActorLayers = 2, CriticLayers = 1, PriorLayers = 1, Bins = 15,
        };
        Options = new DreamerV3Options { EnvId = "pendulum-pos", OutDir = "unused", Model = Model, BatchSize = 3, SequenceLength = 8, ImaginationHorizon = 4 };
        Init = new Generator((ulong)seed); Noise = new Generator((ulong)seed + 1);
        World = new WorldModel(obsDim, actDim, Model, Options, Init);
        Behaviour = new ActorCritic(actDim, Options, Init, Noise);
        using (no_grad())
        {
            var g = new Generator((ulong)seed + 2);
            foreach (var p in World.parameters().Concat(Behaviour.parameters())) p.copy_(randn(p.shape, generator: g).mul_(0.5));
        }
    }

    public DreamerModelOptions Model { get; }
    public DreamerV3Options Options { get; }
    public Generator Init { get; }
    public Generator Noise { get; }
    public WorldModel World { get; }
    public ActorCritic Behaviour { get; }

    public DreamerV3Agent Agent(int seed) => new(World, Behaviour, new Random(seed));

    public void Dispose()
    {
        World.Dispose(); Behaviour.Dispose(); Init.Dispose(); Noise.Dispose();
    }
}
