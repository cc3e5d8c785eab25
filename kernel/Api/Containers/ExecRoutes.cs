using System.Text;
using System.Text.Json.Nodes;
using Berth.Kernel.Containers.Exec;
using Berth.Kernel.Runtime.Monitor;
using Berth.Sdk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.Containers;

/// <summary><c>docker exec</c>: POST /containers/{id}/exec, POST /exec/{id}/start (hijacked), GET /exec/{id}/json, POST /exec/{id}/resize.</summary>
public static class ExecRoutes
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/containers/{id}/exec", CreateAsync);
        routes.MapPost("/exec/{id}/start", StartAsync);
        routes.MapGet("/exec/{id}/json", InspectAsync);
        routes.MapPost("/exec/{id}/resize", ResizeAsync);
    }

    private static ExecService Execs(HttpContext context) => context.RequestServices.GetRequiredService<ExecService>();

    private static async Task CreateAsync(HttpContext context, string id)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false) as JsonObject
                   ?? throw BerthException.Invalid("exec config must be a JSON object");
        var instance = Execs(context).Create(id, body);
        await ApiJson.WriteAsync(context, new JsonObject { ["Id"] = instance.Id }, 201).ConfigureAwait(false);
    }

    private static async Task StartAsync(HttpContext context, string id)
    {
        var execs = Execs(context);
        var instance = execs.Get(id);
        var body = await Hijack.ReadBodyAsync(context).ConfigureAwait(false);
        var options = body.Length > 0 ? JsonNode.Parse(body) as JsonObject : null;
        var detach = options?["Detach"]?.GetValue<bool>() ?? false;
        var tty = options?["Tty"]?.GetValue<bool>() ?? instance.Tty;
        var session = await execs.PrepareAsync(instance, tty, context.RequestAborted).ConfigureAwait(false);
        if (detach)
        {
            _ = execs.RunAsync(instance, session, () => Task.CompletedTask, CancellationToken.None);
            ApiJson.NoContent(context, 200);
            return;
        }
        await using var client = await Hijack.TakeOverAsync(context, tty).ConfigureAwait(false);
        try
        {
            using var monitor = await AttachConnection.ConnectAsync(session.Request.AttachSocket, CancellationToken.None).ConfigureAwait(false);
            var keys = instance.AttachStdin ? DetachKeys.Parse(instance.DetachKeys) : null;
            var relay = new AttachRelay(monitor, client, tty, instance.AttachStdout, instance.AttachStderr, keys);
            await execs.RunAsync(instance, session, () => relay.RunAsync(instance.AttachStdin, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
        }
        catch (BerthException ex)
        {
            // The stream is already hijacked: Moby reports a failed start on it, and the CLI prints it.
            var message = Encoding.UTF8.GetBytes(ex.Message + "\r\n");
            if (!tty)
            {
                var header = new byte[8];
                StreamFrames.WriteHeader(header, StreamFrames.Stdout, message.Length);
                await client.WriteAsync(header, CancellationToken.None).ConfigureAwait(false);
            }
            await client.WriteAsync(message, CancellationToken.None).ConfigureAwait(false);
            instance.ExitCode = ex.Message.Contains("executable file not found", StringComparison.Ordinal) || ex.Message.Contains("no such file or directory", StringComparison.Ordinal) ? 127 : 126;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or global::System.Net.Sockets.SocketException)
        {
            Serilog.Log.Debug("exec {Id} stream ended: {Message}", instance.Id, ex.Message);
        }
    }

    private static Task InspectAsync(HttpContext context, string id)
    {
        var instance = Execs(context).Get(id);
        return ApiJson.WriteAsync(context, new JsonObject
        {
            ["ID"] = instance.Id,
            ["Running"] = instance.Running,
            ["ExitCode"] = instance.ExitCode,
            ["ProcessConfig"] = new JsonObject
            {
                ["tty"] = instance.Tty,
                ["entrypoint"] = instance.Cmd.FirstOrDefault() ?? "",
                ["arguments"] = new JsonArray([.. instance.Cmd.Skip(1).Select(a => (JsonNode?)a)]),
                ["privileged"] = instance.Privileged,
                ["user"] = instance.User,
            },
            ["OpenStdin"] = instance.AttachStdin,
            ["OpenStderr"] = instance.AttachStderr,
            ["OpenStdout"] = instance.AttachStdout,
            ["CanRemove"] = false,
            ["ContainerID"] = instance.ContainerId,
            ["DetachKeys"] = "",
            ["Pid"] = instance.Pid,
        });
    }

    private static async Task ResizeAsync(HttpContext context, string id)
    {
        var instance = Execs(context).Get(id);
        var (height, width) = ContainerRoutes.Size(context);
        var paths = ContainerRoutes.Service(context).Runtime.PathsOf(instance.ContainerId);
        await ConsoleControl.ResizeAsync(Path.Combine(paths.ExecBundle(instance.Id), "ctl"), height, width, context.RequestAborted).ConfigureAwait(false);
        ApiJson.NoContent(context, 200);
    }
}
