using ZstdSharp;

namespace Berth.Sdk.Storage;

/// <summary>Turns a decoder's complaint about corrupt compressed data into a 400 that says so.</summary>
internal sealed class DecompressionErrorStream(Stream decoder, string format) : ReadOnlyWrapperStream
{
    public override int Read(Span<byte> buffer)
    {
        try
        {
            return decoder.Read(buffer);
        }
        catch (Exception ex) when (ex is InvalidDataException or ZstdException)
        {
            throw Corrupt(ex);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await decoder.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or ZstdException)
        {
            throw Corrupt(ex);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) decoder.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await decoder.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private BerthException Corrupt(Exception ex) =>
        new(BerthErrorKind.InvalidParameter, $"invalid layer: corrupt {format} data: {ex.Message}", ex);
}
