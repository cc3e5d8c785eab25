using System.Text.Json;
using Berth.Sdk.Hosting.Wire;

namespace Berth.Sdk.Testing;

/// <summary>
/// Checks that a driver's answer crosses the plugin pipe unchanged: serialised with the wire's JSON settings,
/// read back and serialised again, it gives the same JSON.
/// </summary>
public static class WireCheck
{
    private static readonly JsonSerializerOptions Options = WireJson.CreateOptions();

    public static void AssertRoundTrips<T>(T value)
    {
        string first;
        try
        {
            first = JsonSerializer.Serialize(value, Options);
            var back = JsonSerializer.Deserialize<T>(first, Options);
            Assert.That(JsonSerializer.Serialize(back, Options), Is.EqualTo(first), $"{typeof(T).Name} changes when it crosses the wire");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            Assert.Fail($"{typeof(T).Name} cannot cross the wire: {ex.Message}");
        }
    }

    /// <summary>The JSON a value is sent as; handy to compare records holding lists.</summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value, Options);
}
