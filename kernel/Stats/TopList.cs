using System.Text.Json.Nodes;

namespace Berth.Kernel.Stats;

/// <summary>What <c>docker top</c> shows: ps's column titles and one row per container process.</summary>
public sealed record TopList(IReadOnlyList<string> Titles, IReadOnlyList<IReadOnlyList<string>> Processes)
{
    /// <summary>Docker's <c>ContainerTopResponse</c>: <c>{"Titles":[…],"Processes":[[…],…]}</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["Titles"] = new JsonArray([.. Titles.Select(t => (JsonNode)t)]),
        ["Processes"] = new JsonArray([.. Processes.Select(row => (JsonNode)new JsonArray([.. row.Select(f => (JsonNode)f)]))]),
    };
}
