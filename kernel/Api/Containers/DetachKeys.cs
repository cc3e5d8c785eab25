using Berth.Sdk;

namespace Berth.Kernel.Api.Containers;

/// <summary>Docker's detach-key syntax: comma-separated keys, each a single character, <c>ctrl-x</c> or <c>DEL</c>.</summary>
public static class DetachKeys
{
    public const string Default = "ctrl-p,ctrl-q";

    public static byte[] Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) text = Default;
        var keys = new List<byte>();
        foreach (var key in text.Split(','))
        {
            if (key.Length == 1)
            {
                keys.Add((byte)key[0]);
                continue;
            }
            if (key == "DEL")
            {
                keys.Add(127);
                continue;
            }
            if (!key.StartsWith("ctrl-", StringComparison.Ordinal) || key.Length != 6)
                throw BerthException.Invalid($"Invalid detach keys ({text}) provided");
            var c = key[5];
            keys.Add(c switch
            {
                >= 'a' and <= 'z' => (byte)(c - 'a' + 1),
                '@' => 0,
                '[' => 27,
                '\\' => 28,
                ']' => 29,
                '^' => 30,
                '_' => 31,
                _ => throw BerthException.Invalid($"Invalid detach keys ({text}) provided"),
            });
        }
        return [.. keys];
    }
}
