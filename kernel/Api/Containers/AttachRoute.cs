using Berth.Kernel.Containers;
using Berth.Kernel.Runtime.Monitor;
using Berth.Sdk.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.Containers;

/// <summary>POST /containers/{id}/attach: with logs=1 the output so far is replayed first; with stream=1, before a start
/// (docker run) the client waits for the process to be created, then connects before it runs; on a running container
/// it connects at once.</summary>
public static class AttachRoute
{
    public static async Task AttachAsync(HttpContext context, string id)
    {
        var containers = context.RequestServices.GetRequiredService<ContainerService>();
        var container = containers.Get(id);
        var query = context.Request.Query;
        var stdin = ApiMiddleware.QueryBool(context, "stdin");
        var stdout = ApiMiddleware.QueryBool(context, "stdout");
        var stderr = ApiMiddleware.QueryBool(context, "stderr");
        var detachKeys = stdin ? DetachKeys.Parse(query["detachKeys"]) : null;
        var stream = ApiMiddleware.QueryBool(context, "stream");
        // logs=1: what the container already wrote comes first (Docker reads it from the log driver).
        await using var logs = ApiMiddleware.QueryBool(context, "logs") && (stdout || stderr)
            ? await containers.Logs.ReadAsync(container, new ReadConfig(null, null, -1, false), context.RequestAborted).ConfigureAwait(false)
            : null;

        AttachRendezvous.Pending? pending = !stream || container.State.Running ? null : containers.Rendezvous.Register(container.Id);
        try
        {
            await using var client = await Hijack.TakeOverAsync(context, container.Tty).ConfigureAwait(false);
            if (logs is not null)
                await new LogFrames(client, container.Tty, stdout, stderr, timestamps: false).CopyAsync(logs, flushEach: false, CancellationToken.None).ConfigureAwait(false);
            if (!stream) return;
            // Kestrel ends RequestAborted once the connection is upgraded: from here on the streams tell when the client left.
            var socket = pending is null
                ? containers.Runtime.PathsOf(container.Id).AttachSocket
                : await pending.Ready.Task.ConfigureAwait(false);
            using var monitor = await AttachConnection.ConnectAsync(socket, CancellationToken.None).ConfigureAwait(false);
            pending?.Connected.TrySetResult();
            containers.Events.Publish(container, "attach");
            var relay = new AttachRelay(monitor, client, container.Tty, stdout, stderr, detachKeys);
            await relay.RunAsync(withInput: stdin, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or global::System.Net.Sockets.SocketException or Sdk.BerthException)
        {
            Serilog.Log.Debug("attach to {Id} ended: {Message}", container.Id, ex.Message);
        }
        finally
        {
            if (pending is not null) containers.Rendezvous.Cancel(container.Id, pending);
        }
    }
}
