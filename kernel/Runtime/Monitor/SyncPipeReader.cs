using System.IO.Pipes;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Berth.Kernel.Runtime.Monitor;

/// <summary>Reads conmon's messages on a sync/attach pipe: one JSON object per line, <c>{"data": N, "message": "…"}</c>.</summary>
internal sealed class SyncPipeReader : IDisposable
{
    private readonly StreamReader reader;

    public SyncPipeReader(int fd)
    {
        var stream = new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(fd, ownsHandle: true));
        reader = new StreamReader(stream);
    }

    /// <returns>The next message, or null when conmon closed the pipe without one.</returns>
    public async Task<(int Data, string? Message)?> ReadAsync(CancellationToken cancellationToken)
    {
        var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (line is null) return null;
        using var doc = JsonDocument.Parse(line);
        var data = doc.RootElement.TryGetProperty("data", out var d) ? d.GetInt32() : -1;
        var message = doc.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
        return (data, message);
    }

    public void Dispose() => reader.Dispose();
}
