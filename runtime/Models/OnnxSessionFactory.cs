using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Robotics.Runtime.Models;

/// <summary>
/// Every ONNX Runtime session the runtime plans or acts with (world models, rollout and latent graphs): one
/// set of settings (sequential, all graph optimisations, no spinning workers on shared cores) and one
/// execution-provider choice.
/// </summary>
internal static class OnnxSessionFactory
{
    /// <summary>
    /// Not real-time. Throws <see cref="InvalidDataException"/> when the bytes are not a loadable model;
    /// <paramref name="name"/> says which in that message (e.g. "model file 'x.onnx'").
    /// </summary>
    public static (InferenceSession Session, string Provider) Create(byte[] onnx, string name, WorldModelOptions options, ILogger logger,
                                                                   bool allowSpinning = false)
    {
        using var so = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        // Spinning keeps workers hot between the graph's many small operators, at the price of burning the
        // other core between plans; off unless asked for (the machine is shared with the control loop).
        so.AddSessionConfigEntry("session.intra_op.allow_spinning", allowSpinning ? "1" : "0");
        string provider = ExecutionProviderSelector.Configure(so, options.Provider, logger);
        try { return (new InferenceSession(onnx, so), provider); }
        catch (OnnxRuntimeException e) { throw new InvalidDataException($"{name} is not a loadable ONNX model: {e.Message}", e); }
    }
}
