using System.Numerics;

namespace Berth.Plugins.BridgeNet.Ipam;

/// <summary>
/// The taken offsets of one pool: a bitmap cut into 4096-bit chunks that exist only while one of their bits is set,
/// so a /16 costs at most 8 KiB and an IPv6 /64 costs nothing until it is used. Finding a free offset skips missing
/// and full chunks whole and scans the rest a 64-bit word at a time.
/// </summary>
internal sealed class AddressSet
{
    private const int ChunkShift = 12;
    private const int ChunkSize = 1 << ChunkShift;
    private const int WordsPerChunk = ChunkSize / 64;

    private readonly Dictionary<UInt128, Chunk> chunks = [];

    public bool Contains(UInt128 offset) =>
        chunks.TryGetValue(offset >> ChunkShift, out var chunk) && chunk.IsSet((int)(offset & (ChunkSize - 1)));

    /// <returns>false when the offset was already taken.</returns>
    public bool Add(UInt128 offset)
    {
        var index = offset >> ChunkShift;
        if (!chunks.TryGetValue(index, out var chunk))
        {
            chunk = new Chunk();
            chunks.Add(index, chunk);
        }
        return chunk.Set((int)(offset & (ChunkSize - 1)));
    }

    /// <returns>false when the offset was not taken.</returns>
    public bool Remove(UInt128 offset)
    {
        var index = offset >> ChunkShift;
        if (!chunks.TryGetValue(index, out var chunk) || !chunk.Clear((int)(offset & (ChunkSize - 1)))) return false;
        if (chunk.Count == 0) chunks.Remove(index);
        return true;
    }

    /// <summary>The lowest free offset in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public bool TryFindFree(UInt128 from, UInt128 to, out UInt128 offset)
    {
        offset = default;
        var position = from;
        while (position <= to)
        {
            var index = position >> ChunkShift;
            var nextChunk = (index + 1) << ChunkShift;
            if (!chunks.TryGetValue(index, out var chunk))
            {
                offset = position;
                return true;
            }
            if (chunk.Count < ChunkSize && chunk.TryFindFree((int)(position & (ChunkSize - 1)), out var bit))
            {
                offset = (index << ChunkShift) + (uint)bit;
                return offset <= to;
            }
            if (nextChunk == UInt128.Zero) break; // the chunk was the last one of a /0
            position = nextChunk;
        }
        return false;
    }

    /// <summary>
    /// A free offset in [<paramref name="from"/>, <paramref name="to"/>], searched from <paramref name="start"/> to the
    /// end and then from the beginning (moby's serial allocation), or from the beginning when start is outside.
    /// </summary>
    public bool TryFindFree(UInt128 from, UInt128 to, UInt128 start, out UInt128 offset)
    {
        if (start <= from || start > to) return TryFindFree(from, to, out offset);
        return TryFindFree(start, to, out offset) || TryFindFree(from, start - 1, out offset);
    }

    /// <summary>The taken offsets as ascending runs of consecutive offsets.</summary>
    public IEnumerable<(UInt128 First, UInt128 Last)> Runs()
    {
        UInt128? runFirst = null;
        var runLast = UInt128.Zero;
        foreach (var index in chunks.Keys.Order())
        {
            var words = chunks[index].Words;
            for (var w = 0; w < WordsPerChunk; w++)
            {
                var word = words[w];
                var wordBase = (index << ChunkShift) + (uint)(w * 64);
                while (word != 0)
                {
                    var bit = BitOperations.TrailingZeroCount(word);
                    var ones = BitOperations.TrailingZeroCount(~(word >> bit)); // length of the run of set bits starting at bit
                    var first = wordBase + (uint)bit;
                    var last = first + (uint)(ones - 1);
                    if (runFirst is not null && first == runLast + 1)
                    {
                        runLast = last;
                    }
                    else
                    {
                        if (runFirst is { } previous) yield return (previous, runLast);
                        runFirst = first;
                        runLast = last;
                    }
                    word = bit + ones >= 64 ? 0 : word & ~((1UL << (bit + ones)) - 1);
                }
            }
        }
        if (runFirst is { } tail) yield return (tail, runLast);
    }

    private sealed class Chunk
    {
        public ulong[] Words { get; } = new ulong[WordsPerChunk];
        public int Count { get; private set; }

        public bool IsSet(int bit) => (Words[bit >> 6] & (1UL << (bit & 63))) != 0;

        public bool Set(int bit)
        {
            ref var word = ref Words[bit >> 6];
            var mask = 1UL << (bit & 63);
            if ((word & mask) != 0) return false;
            word |= mask;
            Count++;
            return true;
        }

        public bool Clear(int bit)
        {
            ref var word = ref Words[bit >> 6];
            var mask = 1UL << (bit & 63);
            if ((word & mask) == 0) return false;
            word &= ~mask;
            Count--;
            return true;
        }

        public bool TryFindFree(int fromBit, out int bit)
        {
            for (var w = fromBit >> 6; w < WordsPerChunk; w++)
            {
                var taken = Words[w];
                if (w == fromBit >> 6) taken |= (1UL << (fromBit & 63)) - 1; // bits below fromBit do not count
                if (taken != ulong.MaxValue)
                {
                    bit = (w << 6) + BitOperations.TrailingZeroCount(~taken);
                    return true;
                }
            }
            bit = 0;
            return false;
        }
    }
}
