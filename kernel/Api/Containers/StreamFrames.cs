using System.Buffers.Binary;

namespace Berth.Kernel.Api.Containers;

/// <summary>Docker's multiplexed stream: an 8-byte header (stream 0 stdin, 1 stdout, 2 stderr; 3 zero bytes; big-endian length) per frame.</summary>
public static class StreamFrames
{
    public const byte Stdout = 1;
    public const byte Stderr = 2;

    /// <summary>Errors the daemon reports inside a stream (stdcopy's Systemerr); the CLI prints them and fails.</summary>
    public const byte Systemerr = 3;

    public static void WriteHeader(Span<byte> header, byte stream, int length)
    {
        header[0] = stream;
        header[1] = header[2] = header[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)length);
    }
}
