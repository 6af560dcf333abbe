namespace Robotics.Runtime.Models;

/// <summary>A model whose card does not describe the robot it is asked to drive.</summary>
public sealed class ModelCardMismatchException(string message) : Exception(message);
