namespace Robotics.Core.Onnx;

/// <summary>ONNX tensor element types (onnx.proto TensorProto.DataType); only the ones this project writes.</summary>
public enum OnnxDataType
{
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Double = 11,
}
