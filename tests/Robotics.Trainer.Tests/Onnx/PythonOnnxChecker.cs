using System.Diagnostics;

namespace Robotics.Trainer.Tests.Onnx;

/// <summary>
/// Runs Debian's python3-onnx checker (full_check, i.e. with shape inference) on a model file. Fails the
/// calling test, naming the package to install, when /usr/bin/python3 or its onnx module is missing.
/// </summary>
internal static class PythonOnnxChecker
{
    private const string Python = "/usr/bin/python3";

    /// <summary>Returns the checker's combined output; throws with its message when the model is rejected.</summary>
    public static string Check(string modelPath)
    {
        Assert.True(File.Exists(Python), "needs Debian's python3 with onnx: apt-get install python3-onnx");
        var (code, output) = RunPython("import onnx, sys; m = onnx.load(sys.argv[1]); " +
                                       "onnx.checker.check_model(m, full_check=True); print('ok', m.ir_version, m.opset_import[0].version)",
                                       modelPath);
        Assert.False(output.Contains("No module named 'onnx'", StringComparison.Ordinal),
                     "needs Debian's python3 with onnx: apt-get install python3-onnx");
        Assert.True(code == 0, $"onnx.checker rejected {modelPath}:\n{output}");
        return output.Trim();
    }

    private static (int Code, string Output) RunPython(string script, string arg)
    {
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(arg);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }
}
