using Berth.Kernel.Api.Containers;

namespace Berth.Kernel.Tests.Api.Containers;

public class StreamFramesTests
{
    [Test]
    public void WriteHeader_Stdout_IsStreamByteThreeZerosAndBigEndianLength()
    {
        var header = new byte[8];

        StreamFrames.WriteHeader(header, StreamFrames.Stdout, 0x0102_0304);

        Assert.That(header, Is.EqualTo(new byte[] { 1, 0, 0, 0, 1, 2, 3, 4 }));
    }

    [Test]
    public void WriteHeader_Stderr_MarksStreamTwo()
    {
        var header = new byte[8];

        StreamFrames.WriteHeader(header, StreamFrames.Stderr, 5);

        Assert.That(header, Is.EqualTo(new byte[] { 2, 0, 0, 0, 0, 0, 0, 5 }));
    }

    [Test]
    public void WriteHeader_DirtyBuffer_ClearsThePaddingBytes()
    {
        var header = Enumerable.Repeat((byte)0xff, 8).ToArray();

        StreamFrames.WriteHeader(header, StreamFrames.Stdout, 0);

        Assert.That(header, Is.EqualTo(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0 }));
    }

    [Test]
    public void WriteHeader_LargestFrame_UsesAllFourLengthBytes()
    {
        var header = new byte[8];

        StreamFrames.WriteHeader(header, StreamFrames.Stdout, int.MaxValue);

        Assert.That(header[4..], Is.EqualTo(new byte[] { 0x7f, 0xff, 0xff, 0xff }));
    }

    [Test]
    public void WriteHeader_BufferTooShort_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamFrames.WriteHeader(new byte[7], StreamFrames.Stdout, 1));
    }
}
