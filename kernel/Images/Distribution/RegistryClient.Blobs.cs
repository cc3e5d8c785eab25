using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using Berth.Kernel.Images.References;
using Berth.Sdk;

namespace Berth.Kernel.Images.Distribution;

public sealed partial class RegistryClient
{
    private const int CopyBufferSize = 128 * 1024;

    /// <summary>Fetches a small blob (an image config) into memory and verifies it.</summary>
    /// <exception cref="BerthException">Larger than <paramref name="maxBytes"/> or not matching its digest (invalid parameter), or the registry's error.</exception>
    public async Task<byte[]> GetBlobAsync(ImageReference repository, string digest, RegistryCredentials? credentials, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        DigestFormat.Validate(digest);
        using var response = await SendExpectingAsync(BlobRequest(repository, digest, credentials), cancellationToken, HttpStatusCode.OK).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > maxBytes)
            throw BerthException.Invalid($"blob {digest} is larger than {maxBytes} bytes");
        var bytes = await HttpBodies.ReadAtMostAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
        if (bytes.Length > maxBytes) throw BerthException.Invalid($"blob {digest} is larger than {maxBytes} bytes");
        if (!ContentDigest.Matches(digest, bytes)) throw BerthException.Invalid($"blob verification failed for digest {digest}");
        return bytes;
    }

    /// <summary>
    /// Streams a blob into <paramref name="partialPath"/>, resuming from what the file already holds (Range request)
    /// and verifying size and digest of the whole file at the end; the file is flushed to disk before this returns.
    /// A connection lost mid-way leaves the file for a later resume; a file that fails verification is deleted.
    /// </summary>
    /// <param name="progress">Bytes of the blob on disk so far, the resumed part included.</param>
    public async Task DownloadBlobAsync(
        ImageReference repository, Descriptor blob, string partialPath, IProgress<long>? progress, RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(partialPath);
        bool verified;
        using (var hash = ContentDigest.CreateHash(blob.Digest))
        {
            var file = new FileStream(partialPath, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            });
            await using (file.ConfigureAwait(false))
            {
                verified = await FillAsync(repository, blob, file, hash, progress, credentials, cancellationToken).ConfigureAwait(false)
                           && file.Length == blob.Size
                           && ContentDigest.Finish(blob.Digest, hash) == blob.Digest;
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
        }
        if (verified) return;
        File.Delete(partialPath);
        throw BerthException.Invalid($"filesystem layer verification failed for digest {blob.Digest}");
    }

    /// <summary>Brings the file to the blob's full length; false when what the registry sent cannot be the blob.</summary>
    private async Task<bool> FillAsync(
        ImageReference repository, Descriptor blob, FileStream file, IncrementalHash hash, IProgress<long>? progress,
        RegistryCredentials? credentials, CancellationToken cancellationToken)
    {
        var have = file.Length;
        if (have > blob.Size) have = Restart(file, hash);
        if (have > 0) await HashPrefixAsync(file, have, hash, cancellationToken).ConfigureAwait(false);
        progress?.Report(have);
        if (have == blob.Size) return true;

        var request = BlobRequest(repository, blob.Digest, credentials);
        using var response = await SendExpectingAsync(have > 0 ? request with { Headers = [new("Range", $"bytes={have}-")] } : request,
            cancellationToken, HttpStatusCode.OK, HttpStatusCode.PartialContent, HttpStatusCode.RequestedRangeNotSatisfiable).ConfigureAwait(false);
        var resumes = response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange is { } range
                      && range.From == have && (range.Length is null || range.Length == blob.Size);
        if (!resumes && have > 0)
        {
            have = Restart(file, hash);
            progress?.Report(0);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                // The registry would not resume from here (416, or a range we did not ask for): fetch it whole.
                using var whole = await SendExpectingAsync(request, cancellationToken, HttpStatusCode.OK).ConfigureAwait(false);
                return await CopyBodyAsync(whole, blob, file, hash, have, progress, cancellationToken).ConfigureAwait(false);
            }
        }
        return await CopyBodyAsync(response, blob, file, hash, have, progress, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> CopyBodyAsync(
        HttpResponseMessage response, Descriptor blob, FileStream file, IncrementalHash hash, long have, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.OK && response.Content.Headers.ContentLength is { } length && length != blob.Size) return false;
        file.Position = have;
        var buffer = new byte[CopyBufferSize];
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                while (true)
                {
                    var read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                    if (read == 0) break;
                    if (have + read > blob.Size) return false;
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    hash.AppendData(buffer, 0, read);
                    have += read;
                    progress?.Report(have);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            await KeepAsync(file).ConfigureAwait(false);
            throw new BerthException(BerthErrorKind.Unavailable,
                $"error pulling {blob.Digest}: {TransportErrors.Describe(response.RequestMessage?.RequestUri, ex)} after {have} of {blob.Size} bytes", ex);
        }
        if (have < blob.Size)
        {
            await KeepAsync(file).ConfigureAwait(false);
            throw BerthException.Unavailable($"error pulling {blob.Digest}: unexpected EOF after {have} of {blob.Size} bytes");
        }
        return true;
    }

    /// <summary>Makes what arrived durable, so a later attempt resumes from it.</summary>
    private static async Task KeepAsync(FileStream file)
    {
        await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        file.Flush(flushToDisk: true);
    }

    private static async Task HashPrefixAsync(FileStream file, long length, IncrementalHash hash, CancellationToken cancellationToken)
    {
        file.Position = 0;
        var buffer = new byte[CopyBufferSize];
        var left = length;
        while (left > 0)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
            if (read == 0) throw new IOException($"{file.Name} shrank while being read");
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
    }

    private static long Restart(FileStream file, IncrementalHash hash)
    {
        file.SetLength(0);
        hash.GetHashAndReset();
        return 0;
    }

    private static RegistryRequest BlobRequest(ImageReference repository, string digest, RegistryCredentials? credentials) =>
        new(HttpMethod.Get, repository, $"/v2/{repository.Path}/blobs/{digest}", RegistrySubject.Blob, Push: false, credentials);
}
