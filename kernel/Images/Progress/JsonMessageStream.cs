using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Berth.Kernel.Images.Progress;

/// <summary>
/// Docker's JSON message stream (<c>{"status":…,"id":…,"progressDetail":{…}}</c> lines) as the CLI renders it for
/// pull, push, load and import. Safe to use from parallel downloads; progress updates are throttled per id.
/// Once the client has gone, writes are dropped and the work goes on, as Moby does.
/// </summary>
public sealed class JsonMessageStream(HttpResponse response, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<string, DateTimeOffset> lastProgress = new(StringComparer.Ordinal);
    private bool started;
    private bool gone;

    public bool Started => started;

    /// <summary>A stream nobody reads, for work that reports progress where no client waits for it.</summary>
    public static JsonMessageStream Discarding() => new(new DefaultHttpContext().Response, TimeProvider.System);

    public Task StatusAsync(string status, string? id = null) => WriteAsync(new Message { Status = status, Id = id, ProgressDetail = id is null ? null : new Detail() });

    public Task StreamAsync(string text) => WriteAsync(new Message { Stream = text });

    public Task AuxAsync(object aux) => WriteAsync(new Message { Aux = aux });

    public Task ErrorAsync(string message) => WriteAsync(new Message { Error = message, ErrorDetail = new ErrorDetail(message) });

    /// <summary>A progress bar update; skipped when the last one for this id was under 100 ms ago, unless it is the last.</summary>
    public Task ProgressAsync(string status, string id, long current, long total)
    {
        var now = time.GetUtcNow();
        lock (lastProgress)
        {
            if (current < total && lastProgress.TryGetValue(id, out var last) && now - last < ProgressInterval) return Task.CompletedTask;
            lastProgress[id] = now;
        }
        return WriteAsync(new Message { Status = status, Id = id, ProgressDetail = new Detail { Current = current, Total = total }, Progress = Bar(current, total) });
    }

    private async Task WriteAsync(Message message)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, Json);
        await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (gone) return;
            if (!started)
            {
                response.StatusCode = 200;
                response.ContentType = "application/json";
                started = true;
            }
            await response.Body.WriteAsync(bytes).ConfigureAwait(false);
            await response.Body.WriteAsync("\r\n"u8.ToArray()).ConfigureAwait(false);
            await response.Body.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            gone = true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Moby's bar: 50 columns of <c>=</c> with a <c>&gt;</c> head, then <c>current/total</c> in human sizes.</summary>
    public static string Bar(long current, long total)
    {
        if (total <= 0) return HumanSize(current);
        const int width = 50;
        var filled = (int)Math.Clamp(width * current / total, 0, width);
        var bar = filled == width ? new string('=', width) : new string('=', Math.Max(filled - 1, 0)) + (filled > 0 ? ">" : "") + new string(' ', width - filled);
        return $"[{bar}] {HumanSize(current),8}/{HumanSize(total)}";
    }

    /// <summary>docker/go-units HumanSize: decimal units, four significant digits.</summary>
    public static string HumanSize(double size)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB"];
        var i = 0;
        while (size >= 1000 && i < units.Length - 1)
        {
            size /= 1000;
            i++;
        }
        return size.ToString("G4", global::System.Globalization.CultureInfo.InvariantCulture) + units[i];
    }

    private sealed class Message
    {
        [JsonPropertyName("status")] public string? Status { get; init; }
        [JsonPropertyName("progressDetail")] public Detail? ProgressDetail { get; init; }
        [JsonPropertyName("progress")] public string? Progress { get; init; }
        [JsonPropertyName("id")] public string? Id { get; init; }
        [JsonPropertyName("stream")] public string? Stream { get; init; }
        [JsonPropertyName("aux")] public object? Aux { get; init; }
        [JsonPropertyName("errorDetail")] public ErrorDetail? ErrorDetail { get; init; }
        [JsonPropertyName("error")] public string? Error { get; init; }
    }

    private sealed class Detail
    {
        [JsonPropertyName("current")] public long? Current { get; init; }
        [JsonPropertyName("total")] public long? Total { get; init; }
    }

    private sealed record ErrorDetail([property: JsonPropertyName("message")] string Message);
}
