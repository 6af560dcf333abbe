using Microsoft.ML.OnnxRuntime;

namespace Robotics.Trainer.Tests.Onnx;

/// <summary>Runs serialized ONNX models in ONNX Runtime for tests: float inputs in, float outputs out.</summary>
internal static class OrtRunner
{
    public sealed record Tensor(float[] Data, long[] Shape);

    public static Dictionary<string, Tensor> Run(byte[] model, params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        return Run(session, inputs);
    }

    public static Dictionary<string, Tensor> Run(InferenceSession session, params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)).ToArray();
        try
        {
            using var runOptions = new RunOptions();
            var outputNames = session.OutputNames.ToArray();
            using var outputs = session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, outputNames);
            var result = new Dictionary<string, Tensor>();
            for (int i = 0; i < outputNames.Length; i++)
            {
                var info = outputs[i].GetTensorTypeAndShape();
                result[outputNames[i]] = new Tensor(outputs[i].GetTensorDataAsSpan<float>().ToArray(), info.Shape);
            }
            return result;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }
}
