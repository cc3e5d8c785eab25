using System.Globalization;
using System.Text.RegularExpressions;
using Berth.Sdk;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Berth.Kernel.Api;

/// <summary>
/// Every request: moby's response headers, the <c>/vX.Y</c> prefix checked and stripped (unprefixed = newest),
/// and errors turned into Docker's JSON error bodies with the status of their error class.
/// </summary>
public sealed partial class ApiMiddleware(RequestDelegate next, ILogger<ApiMiddleware> logger, Config.DaemonConfigHolder config)
{
    private static readonly Version Min = Version.Parse(KernelInfo.MinApiVersion);
    private static readonly Version Max = Version.Parse(KernelInfo.ApiVersion);
    private const string ApiVersionKey = "berth.api-version";

    /// <summary>The API version the request asked for (the <c>/vX.Y</c> prefix), else the newest.</summary>
    public static Version RequestedVersion(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ApiVersionKey, out var v) && v is Version version ? version : Max;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        headers["Server"] = $"Docker/{KernelInfo.Version} (linux)";
        headers["Api-Version"] = KernelInfo.ApiVersion;
        headers["Ostype"] = "linux";
        headers["Docker-Experimental"] = config.Current.Experimental ? "true" : "false";

        var path = context.Request.Path.Value ?? "/";
        var match = VersionPrefix().Match(path);
        if (match.Success)
        {
            if (!Version.TryParse(match.Groups[1].Value, out var requested))
            {
                await ApiJson.WriteErrorAsync(context, 400, $"invalid API version {match.Groups[1].Value}").ConfigureAwait(false);
                return;
            }
            if (requested < Min)
            {
                await ApiJson.WriteErrorAsync(context, 400, $"client version {requested} is too old. Minimum supported API version is {KernelInfo.MinApiVersion}, please upgrade your client to a newer version").ConfigureAwait(false);
                return;
            }
            if (requested > Max)
            {
                await ApiJson.WriteErrorAsync(context, 400, $"client version {requested} is too new. Maximum supported API version is {KernelInfo.ApiVersion}").ConfigureAwait(false);
                return;
            }
            context.Request.Path = match.Groups[2].Value.Length == 0 ? "/" : match.Groups[2].Value;
            context.Items[ApiVersionKey] = requested;
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BerthException ex) when (!context.Response.HasStarted)
        {
            if (ex.Kind == BerthErrorKind.NotModified)
            {
                context.Response.StatusCode = 304;
                return;
            }
            var status = ex.Kind.ToHttpStatus();
            if (status >= 500) LogServerError(logger, context.Request.Method, path, ex.Message);
            await ApiJson.WriteErrorAsync(context, status, ex.Message).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.Response.HasStarted && ex is global::System.Text.Json.JsonException or BadHttpRequestException)
        {
            await ApiJson.WriteErrorAsync(context, 400, $"invalid request body: {ex.Message}").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (docker run -d drops its wait, events streams are closed): nothing to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted && ex is not OperationCanceledException)
        {
            LogUnhandled(logger, context.Request.Method, path, ex);
            await ApiJson.WriteErrorAsync(context, 500, ex.Message).ConfigureAwait(false);
        }
    }

    public static bool QueryBool(HttpContext context, string name)
    {
        ArgumentNullException.ThrowIfNull(context);
        var value = context.Request.Query[name].ToString();
        return value.Length > 0 && value.ToLower(CultureInfo.InvariantCulture) is not ("0" or "no" or "false" or "none");
    }

    [GeneratedRegex(@"^/v([0-9]+(?:\.[0-9]+)?)(/.*)?$")]
    private static partial Regex VersionPrefix();

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: {Error}")]
    private static partial void LogServerError(ILogger logger, string method, string path, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
