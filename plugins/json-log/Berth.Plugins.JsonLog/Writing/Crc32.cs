namespace Berth.Plugins.JsonLog.Writing;

/// <summary>CRC-32 (IEEE 802.3, reflected), the checksum in a gzip trailer.</summary>
internal sealed class Crc32
{
    private static readonly uint[] Table = BuildTable();
    private uint crc = 0xFFFFFFFF;

    public uint Value => ~crc;

    public void Append(ReadOnlySpan<byte> data)
    {
        var value = crc;
        foreach (var b in data) value = Table[(value ^ b) & 0xFF] ^ (value >> 8);
        crc = value;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
