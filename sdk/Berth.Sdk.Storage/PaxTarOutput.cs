using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Berth.Sdk.Storage;

/// <summary>
/// Writes a PAX tar as Go's archive/tar (and so Docker) does: ustar headers, preceded by a PAX extended header
/// (named <c>PaxHeaders.0/&lt;name&gt;</c>, records sorted) only when a field does not fit ustar or xattrs come
/// along. The output is a pure function of the fields and file contents. System.Formats.Tar's TarWriter is not used
/// because it names every extended header after the process id (<c>PaxHeaders.&lt;pid&gt;</c>), which would make the
/// same tree hash differently in every process, and because it cannot write binary PAX values.
/// Output goes through a 1 MiB buffer and is hashed on its way out.
/// </summary>
internal sealed class PaxTarOutput(Stream output) : IDisposable
{
    private const int BlockSize = 512;
    private const int NameSize = 100;
    private const long MaxOctal7 = 0x1FFFFF; // 07777777: mode, uid, gid, devmajor, devminor
    private const long MaxOctal11 = 0x1FFFFFFFF; // 077777777777: size, mtime

    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
    private int used;
    private long written;

    public async ValueTask WriteHeaderAsync(TarHeaderFields fields, CancellationToken cancellationToken)
    {
        var records = PaxRecordsFor(fields);
        if (records.Count > 0)
        {
            var data = EncodeRecords(records);
            var extended = await ReserveAsync(BlockSize, cancellationToken).ConfigureAwait(false);
            FormatExtendedHeader(extended.Span, fields.Name, data.Length);
            await WriteAsync(data, cancellationToken).ConfigureAwait(false);
            await PadAsync(data.Length, cancellationToken).ConfigureAwait(false);
        }
        var header = await ReserveAsync(BlockSize, cancellationToken).ConfigureAwait(false);
        FormatHeader(header.Span, fields);
    }

    /// <summary>Copies exactly <paramref name="size"/> bytes of a file (its size when it was lstat'ed) and the block padding.</summary>
    public async ValueTask WriteFileDataAsync(SafeFileHandle file, long size, string path, CancellationToken cancellationToken)
    {
        for (long offset = 0; offset < size;)
        {
            if (used == buffer.Length) await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
            var space = buffer.AsMemory(used, (int)Math.Min(buffer.Length - used, size - offset));
            var read = ReadAt(file, space.Span, offset);
            if (read == 0) throw new BerthException($"writing layer: {path} shrank while it was being read");
            used += read;
            offset += read;
        }
        await PadAsync(size, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A read of a local file is a synchronous syscall on Linux: RandomAccess.ReadAsync on a file handle only queues
    /// the same pread to another thread-pool thread, a hop per file that costs more than most layer files' reads.
    /// </summary>
    private static int ReadAt(SafeFileHandle file, Span<byte> destination, long offset) => RandomAccess.Read(file, destination, offset);

    /// <summary>Writes the end-of-archive blocks, flushes, and returns what the whole tar hashed to.</summary>
    public async ValueTask<LayerDigest> FinishAsync(CancellationToken cancellationToken)
    {
        await ReserveAsync(2 * BlockSize, cancellationToken).ConfigureAwait(false);
        await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new LayerDigest($"sha256:{Convert.ToHexStringLower(hash.GetCurrentHash())}", written);
    }

    public void Dispose()
    {
        hash.Dispose();
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private static List<(string Key, byte[] Value)> PaxRecordsFor(TarHeaderFields fields)
    {
        var records = new List<(string Key, byte[] Value)>();
        if (!FitsUstar(fields.Name)) records.Add(("path", Encoding.UTF8.GetBytes(fields.Name)));
        if (!FitsUstar(fields.LinkName)) records.Add(("linkpath", Encoding.UTF8.GetBytes(fields.LinkName)));
        if (fields.Size > MaxOctal11) records.Add(("size", Decimal(fields.Size)));
        if (fields.Uid is < 0 or > MaxOctal7) records.Add(("uid", Decimal(fields.Uid)));
        if (fields.Gid is < 0 or > MaxOctal7) records.Add(("gid", Decimal(fields.Gid)));
        if (fields.MtimeSeconds is < 0 or > MaxOctal11) records.Add(("mtime", Decimal(fields.MtimeSeconds)));
        records.AddRange(fields.Records);
        records.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return records;
    }

    private static bool FitsUstar(string value) => value.Length <= NameSize && Ascii.IsValid(value) && !value.Contains('\0', StringComparison.Ordinal);

    private static byte[] Decimal(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>"&lt;length&gt; &lt;key&gt;=&lt;value&gt;\n", the length counting its own digits.</summary>
    private static byte[] EncodeRecords(List<(string Key, byte[] Value)> records)
    {
        var data = new MemoryStream();
        foreach (var (key, value) in records)
        {
            var keyBytes = Encoding.UTF8.GetBytes(key);
            var baseLength = keyBytes.Length + value.Length + 3; // ' ', '=', '\n'
            var length = baseLength + Digits(baseLength);
            if (Digits(length) != Digits(baseLength)) length = baseLength + Digits(length);
            data.Write(Encoding.ASCII.GetBytes(length.ToString(CultureInfo.InvariantCulture)));
            data.WriteByte((byte)' ');
            data.Write(keyBytes);
            data.WriteByte((byte)'=');
            data.Write(value);
            data.WriteByte((byte)'\n');
        }
        return data.ToArray();
    }

    private static int Digits(int value) => value.ToString(CultureInfo.InvariantCulture).Length;

    private static void FormatExtendedHeader(Span<byte> block, string name, int dataLength)
    {
        var trimmed = name.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        var headerName = slash < 0 ? $"PaxHeaders.0/{trimmed}" : $"{trimmed[..slash]}/PaxHeaders.0/{trimmed[(slash + 1)..]}";
        FormatCommon(block, headerName.TrimEnd('/'), mode: 0, uid: 0, gid: 0, size: dataLength, mtime: 0, (byte)'x', "");
        FormatOctal(block.Slice(329, 8), 0);
        FormatOctal(block.Slice(337, 8), 0);
        WriteChecksum(block);
    }

    private static void FormatHeader(Span<byte> block, TarHeaderFields fields)
    {
        FormatCommon(block, fields.Name, fields.Mode & 0xFFF, fields.Uid, fields.Gid, fields.Size, fields.MtimeSeconds, fields.TypeFlag, fields.LinkName);
        FormatNumeric(block.Slice(329, 8), fields.DevMajor);
        FormatNumeric(block.Slice(337, 8), fields.DevMinor);
        WriteChecksum(block);
    }

    private static void FormatCommon(Span<byte> block, string name, long mode, long uid, long gid, long size, long mtime, byte typeFlag, string linkName)
    {
        FormatString(block[..100], name);
        FormatOctal(block.Slice(100, 8), mode);
        FormatOctal(block.Slice(108, 8), uid is >= 0 and <= MaxOctal7 ? uid : 0);
        FormatOctal(block.Slice(116, 8), gid is >= 0 and <= MaxOctal7 ? gid : 0);
        FormatOctal(block.Slice(124, 12), size <= MaxOctal11 ? size : 0);
        FormatOctal(block.Slice(136, 12), mtime is >= 0 and <= MaxOctal11 ? mtime : 0);
        block[156] = typeFlag;
        FormatString(block.Slice(157, 100), linkName);
        "ustar\0"u8.CopyTo(block[257..]); // magic
        "00"u8.CopyTo(block[263..]); // version
    }

    /// <summary>ASCII only (other characters dropped, as Go does; the PAX record holds the real name), truncated to the field.</summary>
    private static void FormatString(Span<byte> field, string value)
    {
        var at = 0;
        foreach (var c in value)
        {
            if (at == field.Length) break;
            if (c is > '\0' and < '\x80') field[at++] = (byte)c;
        }
    }

    private static void FormatOctal(Span<byte> field, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        Encoding.ASCII.GetBytes(digits, field);
        field[^1] = 0;
    }

    /// <summary>Octal when it fits, else GNU base-256 (which Go's and .NET's readers both read).</summary>
    private static void FormatNumeric(Span<byte> field, long value)
    {
        if (value <= MaxOctal7)
        {
            FormatOctal(field, value);
            return;
        }
        field.Clear();
        BinaryPrimitives.WriteInt64BigEndian(field, value);
        field[0] = 0x80;
    }

    private static void WriteChecksum(Span<byte> block)
    {
        block.Slice(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in block) sum += b;
        FormatOctal(block.Slice(148, 7), sum);
        block[155] = (byte)' ';
    }

    private async ValueTask<Memory<byte>> ReserveAsync(int length, CancellationToken cancellationToken)
    {
        if (buffer.Length - used < length) await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        var reserved = buffer.AsMemory(used, length);
        reserved.Span.Clear();
        used += length;
        return reserved;
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            if (used == buffer.Length) await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
            var count = Math.Min(buffer.Length - used, data.Length);
            data.Span[..count].CopyTo(buffer.AsSpan(used));
            used += count;
            data = data[count..];
        }
    }

    private async ValueTask PadAsync(long length, CancellationToken cancellationToken)
    {
        var padding = (int)((BlockSize - (length % BlockSize)) % BlockSize);
        if (padding > 0) await ReserveAsync(padding, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask FlushBufferAsync(CancellationToken cancellationToken)
    {
        if (used == 0) return;
        hash.AppendData(buffer, 0, used);
        await output.WriteAsync(buffer.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
        written += used;
        used = 0;
    }
}
