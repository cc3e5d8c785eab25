using System.Text;
using System.Text.Unicode;

namespace Berth.Sdk.Storage;

/// <summary>
/// Extended attributes as PAX records: <c>SCHILY.xattr.&lt;name&gt;=&lt;raw bytes&gt;</c> (GNU tar, Go, Docker) and
/// <c>LIBARCHIVE.xattr.&lt;%-encoded name&gt;=&lt;base64&gt;</c> (libarchive/bsdtar). The second exists for binary values:
/// System.Formats.Tar reads PAX values as UTF-8 strings (mangling other bytes) and refuses a newline in them.
/// </summary>
internal static class XattrRecords
{
    public const string SchilyPrefix = "SCHILY.xattr.";
    public const string LibarchivePrefix = "LIBARCHIVE.xattr.";

    /// <summary>The xattrs an entry's PAX records carry. SCHILY values that did not decode as UTF-8 are dropped, not applied mangled.</summary>
    public static IEnumerable<(string Name, byte[] Value)> Read(IReadOnlyDictionary<string, string> records)
    {
        foreach (var (key, value) in records)
        {
            if (key.StartsWith(SchilyPrefix, StringComparison.Ordinal))
            {
                var name = key[SchilyPrefix.Length..];
                if (name.Length > 0 && !value.Contains('\uFFFD', StringComparison.Ordinal)) yield return (name, Encoding.UTF8.GetBytes(value));
            }
            else if (key.StartsWith(LibarchivePrefix, StringComparison.Ordinal))
            {
                var name = Uri.UnescapeDataString(key[LibarchivePrefix.Length..]);
                if (name.Length > 0 && TryDecodeBase64(value, out var bytes)) yield return (name, bytes);
            }
        }
    }

    /// <summary>
    /// The PAX records (key, value bytes) for one xattr: SCHILY with the raw value whenever a newline does not forbid
    /// it (what Docker reads), plus the LIBARCHIVE form when System.Formats.Tar would not read the raw one back intact.
    /// </summary>
    public static IEnumerable<(string Key, byte[] Value)> Write(string name, byte[] value)
    {
        ReadOnlySpan<byte> bytes = value;
        var rawAllowed = !bytes.Contains((byte)'\n') && name.AsSpan().IndexOfAny('=', '\n', '\0') < 0;
        var readsBackIntact = Utf8.IsValid(bytes) && bytes.IndexOf("\uFFFD"u8) < 0;
        if (rawAllowed) yield return (SchilyPrefix + name, value);
        if (!rawAllowed || !readsBackIntact) yield return (LibarchivePrefix + PercentEncode(name), Encoding.ASCII.GetBytes(Convert.ToBase64String(value)));
    }

    private static bool TryDecodeBase64(string value, out byte[] bytes)
    {
        var padded = (value.Length % 4) switch
        {
            2 => value + "==",
            3 => value + "=",
            _ => value,
        };
        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    /// <summary>libarchive's encoding of an xattr name: bytes outside printable ASCII, '%' and '=' as %XX.</summary>
    private static string PercentEncode(string name)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            if (b is > 32 and < 127 and not (byte)'%' and not (byte)'=') builder.Append((char)b);
            else builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }
}
