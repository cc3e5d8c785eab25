using Berth.Kernel.Events;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.System;

/// <summary><c>GET /events</c>: headers flushed at once, past events in [since, until], then live ones until <c>until</c> or the client leaves.</summary>
public static class EventsEndpoint
{
    public static async Task StreamAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = context.Request.Query;
        var since = Timestamps.Parse(query["since"], "since");
        var until = Timestamps.Parse(query["until"], "until");
        var filter = EventFilter.Create(FilterArgs.Parse(query["filters"]));
        var events = context.RequestServices.GetRequiredService<EventsService>();
        var time = context.RequestServices.GetRequiredService<TimeProvider>();

        using var subscription = events.Subscribe(since, until);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);

        foreach (var message in subscription.Past.Where(filter.Matches))
            await WriteAsync(context, message).ConfigureAwait(false);

        var now = time.GetUtcNow();
        if (until is { } end && end <= now) return;

        var stopping = context.RequestServices.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        if (until is { } u) stop.CancelAfter(u - now);
        try
        {
            await foreach (var message in subscription.Live.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                if (until is { } limit && message.TimeNano > EventsService.ToNanos(limit)) break;
                if (filter.Matches(message)) await WriteAsync(context, message).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // until passed or the client disconnected.
        }
    }

    private static async Task WriteAsync(HttpContext context, EventMessage message)
    {
        var bytes = global::System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(message, ApiJson.Options);
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
