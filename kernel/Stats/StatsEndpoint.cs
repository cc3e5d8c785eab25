using System.Text;
using System.Text.Json.Nodes;
using Berth.Sdk;
using Microsoft.AspNetCore.Http;

namespace Berth.Kernel.Stats;

/// <summary>
/// GET /containers/{id}/stats with dockerd's semantics:
/// <list type="bullet">
/// <item>stream=true: a document every second (newline-delimited, flushed), <c>precpu_stats</c> from the one before;
/// while the container is stopped the documents are zeroed; it ends when the client goes away, <paramref name="ct"/> is
/// cancelled (the container was removed) or <c>paths</c> throws a NotFound <see cref="BerthException"/>.</item>
/// <item>stream=false: two samples a second apart so <c>precpu_stats</c> is filled (what <c>docker stats --no-stream</c>
/// shows); with one-shot=true a single sample at once, without pre-fields.</item>
/// <item>stream=false for a stopped container (<c>paths</c> returns null): one zeroed document at once.</item>
/// </list>
/// </summary>
public static class StatsEndpoint
{
    /// <summary>dockerd's collection interval.</summary>
    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(1);

    /// <param name="paths">The container's cgroup directories while it runs, null while it does not.</param>
    public static Task WriteAsync(HttpContext context, Func<CgroupPaths?> paths, string id, string name, bool stream, bool oneShot, TimeProvider time, CancellationToken ct) =>
        WriteAsync(context, paths, id, name, stream, oneShot, new StatsSampler(time), ct);

    /// <summary>As the other overload, sampling with <paramref name="sampler"/> (and waiting on its clock).</summary>
    public static async Task WriteAsync(HttpContext context, Func<CgroupPaths?> paths, string id, string name, bool stream, bool oneShot, StatsSampler sampler, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(sampler);
        if (stream && oneShot) throw BerthException.Invalid("cannot have stream=true and one-shot=true");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, context.RequestAborted);
        var token = linked.Token;

        var first = sampler.Sample(paths(), null);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        if (!stream)
        {
            if (!first.Running || oneShot)
            {
                await WriteDocumentAsync(context, first.ToJson(id, name, null), flush: false, token).ConfigureAwait(false);
                return;
            }
            if (!await DelayAsync(sampler.Time, token).ConfigureAwait(false)) return;
            var second = Take(paths, sampler, first) ?? StatsSample.NotRunning;
            await WriteDocumentAsync(context, second.ToJson(id, name, first), flush: false, token).ConfigureAwait(false);
            return;
        }

        await context.Response.StartAsync(token).ConfigureAwait(false);
        StatsSample? previous = null;
        var current = first;
        try
        {
            while (true)
            {
                await WriteDocumentAsync(context, current.ToJson(id, name, previous), flush: true, token).ConfigureAwait(false);
                previous = current;
                if (!await DelayAsync(sampler.Time, token).ConfigureAwait(false)) return;
                if (Take(paths, sampler, previous) is not { } next) return;
                current = next;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The client went away or the container was removed: the stream simply ends.
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    /// <summary>A sample, or null when <paramref name="paths"/> says the container no longer exists.</summary>
    private static StatsSample? Take(Func<CgroupPaths?> paths, StatsSampler sampler, StatsSample? previous)
    {
        CgroupPaths? current;
        try
        {
            current = paths();
        }
        catch (BerthException ex) when (ex.Kind == BerthErrorKind.NotFound)
        {
            return null;
        }
        return sampler.Sample(current, previous);
    }

    /// <summary>Waits one interval on <paramref name="time"/>; false when cancelled.</summary>
    private static async Task<bool> DelayAsync(TimeProvider time, CancellationToken token)
    {
        try
        {
            await Task.Delay(Interval, time, token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>One document and a newline, as Go's json.Encoder writes it.</summary>
    private static async Task WriteDocumentAsync(HttpContext context, JsonObject document, bool flush, CancellationToken token)
    {
        var bytes = Encoding.UTF8.GetBytes(document.ToJsonString() + "\n");
        if (!flush && !context.Response.HasStarted) context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, token).ConfigureAwait(false);
        if (flush) await context.Response.Body.FlushAsync(token).ConfigureAwait(false);
    }
}
