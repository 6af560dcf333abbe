using System.Runtime.CompilerServices;
using Robotics.Trainer.Native;

namespace Robotics.Trainer.Tests.Native;

/// <summary>
/// Tests touch torch directly (static usings, fixtures), in whatever order xunit picks; on a fresh build the
/// libLibTorchSharp.so in bin/ is unpatched, and one touch before the patch fails every torch test in the run.
/// </summary>
internal static class TorchSetupModuleInitializer
{
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "must run before any test touches torch")]
    internal static void PrepareTorch() => TorchSetup.Prepare();
}
