using System.Text.RegularExpressions;

namespace Berth.Kernel.Images.References;

/// <summary>
/// The reference grammar of github.com/distribution/reference, anchored with <c>\z</c> (not <c>$</c>, which .NET lets
/// match before a trailing newline) and with ASCII classes where Go's <c>\w</c> is ASCII-only.
/// </summary>
internal static partial class ReferenceGrammar
{
    public const int NameTotalLengthMax = 255;

    private const string PathComponent = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
    private const string DomainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private const string Host = "(?:" + DomainComponent + @"(?:\." + DomainComponent + @")*|\[[a-fA-F0-9:]+\])";
    private const string Domain = Host + "(?::[0-9]+)?";
    private const string Name = "(?:" + Domain + "/)?" + PathComponent + "(?:/" + PathComponent + ")*";
    private const string TagPattern = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
    private const string DigestPattern = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";

    /// <summary>Groups: 1 name, 2 tag, 3 digest.</summary>
    [GeneratedRegex("^(" + Name + ")(?::(" + TagPattern + "))?(?:@(" + DigestPattern + @"))?\z", RegexOptions.CultureInvariant)]
    public static partial Regex Reference();

    [GeneratedRegex("^" + Domain + @"\z", RegexOptions.CultureInvariant)]
    public static partial Regex DomainOnly();

    [GeneratedRegex("^" + TagPattern + @"\z", RegexOptions.CultureInvariant)]
    public static partial Regex Tag();

    [GeneratedRegex("^" + DigestPattern + @"\z", RegexOptions.CultureInvariant)]
    public static partial Regex Digest();

    /// <summary>A bare image ID, which Docker refuses as a repository name.</summary>
    [GeneratedRegex(@"^[a-f0-9]{64}\z", RegexOptions.CultureInvariant)]
    public static partial Regex Identifier();
}
