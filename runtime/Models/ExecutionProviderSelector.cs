using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Robotics.Runtime.Models;

/// <summary>
/// Chooses the execution provider: CUDA only in the GPU build (ROBOTICS_GPU) and when the CUDA provider
/// loads; otherwise CPU. Always logs the choice, and the reason when CUDA was wanted but not used.
/// </summary>
internal static class ExecutionProviderSelector
{
    /// <summary>Not real-time. Appends the provider to <paramref name="so"/>; returns "cuda" or "cpu".</summary>
    public static string Configure(SessionOptions so, ProviderPreference preference, ILogger logger)
    {
        if (preference == ProviderPreference.Cpu)
        {
            logger.LogInformation("world model: execution provider cpu (requested)");
            return "cpu";
        }
#if ROBOTICS_GPU
        try
        {
            so.AppendExecutionProvider_CUDA(0);
            logger.LogInformation("world model: execution provider cuda (device 0)");
            return "cuda";
        }
        catch (OnnxRuntimeException e)
        {
            logger.LogWarning("world model: CUDA unavailable ({Reason}); falling back to cpu", e.Message);
            return "cpu";
        }
#else
        if (preference == ProviderPreference.Cuda)
            logger.LogWarning("world model: cuda requested but this is the CPU build (rebuild with -p:RoboticsGpu=true); using cpu");
        else
            logger.LogInformation("world model: execution provider cpu");
        return "cpu";
#endif
    }
}
