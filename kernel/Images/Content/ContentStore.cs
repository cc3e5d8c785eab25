using System.Security.Cryptography;
using Berth.Sdk;
using Berth.Sdk.Storage;

namespace Berth.Kernel.Images.Content;

/// <summary>
/// Content-addressed blobs under <c>&lt;root&gt;/blobs/sha256/&lt;hex&gt;</c>. Bytes land in <c>ingest/</c> first, are
/// hashed while written, flushed, checked against the expected digest and only then renamed into place, so a blob
/// that exists is always whole and correct.
/// </summary>
public sealed class ContentStore
{
    private const int BufferSize = 1 << 20;
    private readonly string blobs;

    public ContentStore(string root)
    {
        blobs = Path.Combine(root, "blobs", "sha256");
        IngestDirectory = Path.Combine(root, "ingest");
        Directory.CreateDirectory(blobs);
        Directory.CreateDirectory(IngestDirectory);
    }

    public string IngestDirectory { get; }

    public string BlobPath(string digest) => Path.Combine(blobs, Digests.Hex(digest));

    public bool Exists(string digest) => Digests.IsValid(digest) && File.Exists(BlobPath(digest));

    /// <summary>A fresh temp path in the ingest folder (same file system as the blobs, so moving it in is a rename).</summary>
    public string NewIngestPath(string hint = "tmp") => Path.Combine(IngestDirectory, $"{hint}.{Guid.NewGuid():N}");

    /// <summary>The stable partial-download path of a blob, so an interrupted download resumes.</summary>
    public string PartialPath(string digest) => Path.Combine(IngestDirectory, Digests.Hex(digest) + ".partial");

    public async Task<BlobInfo> WriteAsync(Stream source, string? expectedDigest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var temp = NewIngestPath();
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size = 0;
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    size += read;
                }
                output.Flush(flushToDisk: true);
            }
            var digest = Digests.FromHash(hash);
            Verify(digest, expectedDigest);
            Commit(temp, digest);
            return new BlobInfo(digest, size);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public Task<BlobInfo> WriteAsync(ReadOnlyMemory<byte> bytes, string? expectedDigest, CancellationToken cancellationToken)
    {
        var digest = Digests.Of(bytes.Span);
        Verify(digest, expectedDigest);
        if (Exists(digest)) return Task.FromResult(new BlobInfo(digest, bytes.Length));
        return WriteAsync(new MemoryStream(bytes.ToArray(), writable: false), digest, cancellationToken);
    }

    /// <summary>Moves a verified file (already flushed) from the ingest folder into place.</summary>
    public async Task<BlobInfo> AdoptAsync(string ingestPath, string? expectedDigest, CancellationToken cancellationToken)
    {
        string digest;
        long size;
        await using (var input = new FileStream(ingestPath, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            using var sha = SHA256.Create();
            digest = Digests.Prefix + Convert.ToHexStringLower(await sha.ComputeHashAsync(input, cancellationToken).ConfigureAwait(false));
            size = input.Length;
        }
        Verify(digest, expectedDigest);
        Commit(ingestPath, digest);
        return new BlobInfo(digest, size);
    }

    /// <summary>
    /// Moves a file whose digest the caller has already checked while writing it (and flushed) into place, without
    /// reading it again — a downloaded layer is hashed once, on the way in.
    /// </summary>
    public BlobInfo AdoptVerified(string ingestPath, string digest)
    {
        var size = new FileInfo(ingestPath).Length;
        Commit(ingestPath, Digests.Require(digest));
        File.Delete(ingestPath);
        return new BlobInfo(digest, size);
    }

    public async Task<byte[]> ReadAllBytesAsync(string digest, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(BlobPath(digest), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw BerthException.NotFound($"content {digest} not found");
        }
    }

    public FileStream OpenRead(string digest)
    {
        try
        {
            return new FileStream(BlobPath(digest), FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw BerthException.NotFound($"content {digest} not found");
        }
    }

    public void Delete(string digest)
    {
        if (Digests.IsValid(digest)) File.Delete(BlobPath(digest));
    }

    public IEnumerable<string> List() =>
        Directory.EnumerateFiles(blobs).Select(Path.GetFileName).Where(n => Digests.IsHex64(n)).Select(n => Digests.Prefix + n);

    /// <summary>Removes temp files and folders of interrupted writes and loads; partial downloads stay so a later pull resumes them.</summary>
    public void RemoveLeftovers()
    {
        foreach (var file in Directory.EnumerateFiles(IngestDirectory))
            if (!file.EndsWith(".partial", StringComparison.Ordinal)) File.Delete(file);
        foreach (var dir in Directory.EnumerateDirectories(IngestDirectory)) Directory.Delete(dir, recursive: true);
    }

    /// <summary>Deletes every blob not in <paramref name="keep"/> (at start, before anything can add one).</summary>
    public int RemoveAllExcept(IReadOnlySet<string> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var removed = 0;
        foreach (var digest in List().Where(d => !keep.Contains(d)).ToList())
        {
            Delete(digest);
            removed++;
        }
        return removed;
    }

    private void Commit(string temp, string digest)
    {
        var target = BlobPath(digest);
        if (File.Exists(target)) return;
        File.Move(temp, target);
        AtomicFile.SyncDirectory(blobs);
    }

    private static void Verify(string actual, string? expected)
    {
        if (expected is not null && !string.Equals(actual, expected, StringComparison.Ordinal))
            throw BerthException.Invalid($"digest mismatch: content is {actual}, expected {expected}");
    }
}

public sealed record BlobInfo(string Digest, long Size);
