namespace Robotics.Drivers.Serial;

/// <summary>Extends the wire's 32-bit sequence numbers to 64 bits, assuming less than 2^31 frames between two seen.</summary>
internal struct SequenceUnwrapper
{
    private long _last;
    private bool _have;

    public long Unwrap(uint seq)
    {
        if (!_have) { _have = true; _last = seq; return _last; }
        _last += (int)(seq - (uint)_last);
        return _last;
    }
}
