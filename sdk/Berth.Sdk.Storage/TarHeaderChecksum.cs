namespace Berth.Sdk.Storage;

/// <summary>The checksum of a ustar header block: the sum of its bytes with the checksum field read as spaces.</summary>
internal static class TarHeaderChecksum
{
    private const int FieldOffset = 148;
    private const int FieldLength = 8;

    /// <summary>Whether <paramref name="expected"/> matches the block, summed as unsigned bytes or (as old tars did) signed ones.</summary>
    public static bool Matches(ReadOnlySpan<byte> block, int expected)
    {
        if (block.Length != DigestingReadStream.RecordSize) return false;
        int unsignedSum = 0, signedSum = 0;
        for (var i = 0; i < block.Length; i++)
        {
            var b = i is >= FieldOffset and < FieldOffset + FieldLength ? (byte)' ' : block[i];
            unsignedSum += b;
            signedSum += (sbyte)b;
        }
        return expected == unsignedSum || expected == signedSum;
    }

    public static bool IsZeroBlock(ReadOnlySpan<byte> block) => block.Length == DigestingReadStream.RecordSize && !block.ContainsAnyExcept((byte)0);
}
