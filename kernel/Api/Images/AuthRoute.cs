using System.Text.Json;
using Berth.Kernel.Images.Distribution;
using Berth.Sdk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Kernel.Api.Images;

/// <summary><c>POST /auth</c> (<c>docker login</c>): the daemon checks the credentials against the registry; the CLI stores them.</summary>
public static class AuthRoute
{
    public static void Map(IEndpointRouteBuilder routes) => routes.MapPost("/auth", LoginAsync);

    private static async Task LoginAsync(HttpContext context)
    {
        AuthBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<AuthBody>(context.Request.Body, Options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw BerthException.Invalid($"invalid auth configuration: {ex.Message}");
        }
        if (body is null || string.IsNullOrEmpty(body.Username) && string.IsNullOrEmpty(body.IdentityToken))
            throw BerthException.Invalid("username and password are required");
        var server = string.IsNullOrEmpty(body.ServerAddress) ? "https://index.docker.io/v1/" : body.ServerAddress;
        var credentials = new RegistryCredentials(body.Username, body.Password, body.Email, server, body.IdentityToken, body.RegistryToken);
        await context.RequestServices.GetRequiredService<RegistryClient>().LoginAsync(server, credentials, context.RequestAborted).ConfigureAwait(false);
        await ApiJson.WriteAsync(context, new { Status = "Login Succeeded", IdentityToken = "" }).ConfigureAwait(false);
    }

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    private sealed record AuthBody(string? Username, string? Password, string? Email, string? ServerAddress, string? IdentityToken, string? RegistryToken);
}
