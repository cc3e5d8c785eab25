using System.Text;

namespace Berth.Kernel.Images.Distribution;

/// <summary>One challenge of a <c>WWW-Authenticate</c> header: a scheme and its parameters (names lowercased).</summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => string.Equals(Scheme, "Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => string.Equals(Scheme, "Basic", StringComparison.OrdinalIgnoreCase);

    public string? Parameter(string name) => Parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// Parses a header value (RFC 7235: <c>scheme param=value, param="quoted \" value"</c>, several challenges
    /// separated by commas). Unparseable tails are ignored, as Docker's registry client ignores them.
    /// </summary>
    public static IReadOnlyList<AuthChallenge> Parse(string? header)
    {
        var challenges = new List<AuthChallenge>();
        if (string.IsNullOrWhiteSpace(header)) return challenges;
        var cursor = new Cursor(header);
        while (true)
        {
            cursor.SkipWhile(c => c == ',' || char.IsWhiteSpace(c));
            var scheme = cursor.Token();
            if (scheme.Length == 0) break;
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            while (true)
            {
                cursor.SkipWhile(char.IsWhiteSpace);
                var start = cursor.Position;
                var name = cursor.Token();
                cursor.SkipWhile(char.IsWhiteSpace);
                if (name.Length == 0 || !cursor.Take('='))
                {
                    // Not a parameter: the next challenge's scheme (or garbage, which the outer loop skips).
                    cursor.Position = start;
                    break;
                }
                cursor.SkipWhile(char.IsWhiteSpace);
                parameters[name.ToLowerInvariant()] = cursor.Peek == '"' ? cursor.Quoted() : cursor.Token();
                cursor.SkipWhile(char.IsWhiteSpace);
                if (!cursor.Take(',')) break;
            }
            challenges.Add(new AuthChallenge(scheme, parameters));
            if (cursor.AtEnd) break;
            cursor.SkipWhile(c => c != ',' && !char.IsWhiteSpace(c) && !IsTokenChar(c));
        }
        return challenges;
    }

    private static bool IsTokenChar(char c) =>
        c > ' ' && c < 127 && "()<>@,;:\\\"/[]?={}".IndexOf(c, StringComparison.Ordinal) < 0;

    private sealed class Cursor(string text)
    {
        public int Position { get; set; }

        public bool AtEnd => Position >= text.Length;

        public char Peek => AtEnd ? '\0' : text[Position];

        public void SkipWhile(Func<char, bool> predicate)
        {
            while (!AtEnd && predicate(text[Position])) Position++;
        }

        public bool Take(char c)
        {
            if (AtEnd || Peek != c) return false;
            Position++;
            return true;
        }

        /// <summary>A token; <c>/</c> and <c>:</c> are let through for unquoted URLs and scopes, as registries send them.</summary>
        public string Token()
        {
            var start = Position;
            SkipWhile(c => IsTokenChar(c) || c is '/' or ':');
            return text[start..Position];
        }

        public string Quoted()
        {
            var value = new StringBuilder();
            Position++;
            while (!AtEnd && text[Position] != '"')
            {
                if (text[Position] == '\\' && Position + 1 < text.Length) Position++;
                value.Append(text[Position++]);
            }
            if (!AtEnd) Position++;
            return value.ToString();
        }
    }
}
