using System.Diagnostics.CodeAnalysis;
using Berth.Sdk;

namespace Berth.Kernel.Images.References;

/// <summary>
/// A normalised image reference (distribution/reference's <c>ParseNormalizedNamed</c>): always with a domain, Docker
/// Hub's official images under <c>library/</c>. Instances are valid by construction.
/// </summary>
public sealed record ImageReference
{
    public const string DefaultDomain = "docker.io";
    public const string DefaultTag = "latest";
    private const string LegacyDefaultDomain = "index.docker.io";
    private const string OfficialRepoPrefix = "library/";

    private ImageReference(string domain, string path, string? tag, string? digest)
    {
        Domain = domain;
        Path = path;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>Registry host, with its port if one was given (<c>docker.io</c>, <c>127.0.0.1:5000</c>).</summary>
    public string Domain { get; }

    /// <summary>Repository path inside the registry (<c>library/busybox</c>).</summary>
    public string Path { get; }

    public string? Tag { get; }

    public string? Digest { get; }

    /// <summary>Fully qualified repository name (<c>docker.io/library/busybox</c>).</summary>
    public string Repository => $"{Domain}/{Path}";

    /// <summary>The repository as Docker shows it (<c>busybox</c>, <c>acc/app</c>, <c>127.0.0.1:5000/acc/app</c>).</summary>
    public string FamiliarRepository
    {
        get
        {
            if (Domain != DefaultDomain) return Repository;
            if (Path.StartsWith(OfficialRepoPrefix, StringComparison.Ordinal) && !Path.AsSpan(OfficialRepoPrefix.Length).Contains('/'))
                return Path[OfficialRepoPrefix.Length..];
            return Path;
        }
    }

    /// <summary>The reference as Docker shows it (<c>busybox:latest</c>, <c>x@sha256:…</c>).</summary>
    public string FamiliarString => FamiliarRepository + Suffix;

    /// <summary>What to ask the registry's manifest endpoint for: the digest when there is one, else the tag.</summary>
    public string ManifestReference => Digest ?? Tag ?? DefaultTag;

    public bool IsNameOnly => Tag is null && Digest is null;

    private string Suffix => (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <exception cref="BerthException">Not a valid reference (invalid parameter), with Docker's message.</exception>
    public static ImageReference Parse(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var (result, error) = ParseCore(reference);
        return result ?? throw BerthException.Invalid(error!);
    }

    public static bool TryParse(string? reference, [NotNullWhen(true)] out ImageReference? result)
    {
        result = reference is null ? null : ParseCore(reference).Result;
        return result is not null;
    }

    /// <summary>Docker's <c>TagNameOnly</c>: adds <c>latest</c> when there is neither tag nor digest.</summary>
    public ImageReference WithDefaultTag() => IsNameOnly ? new(Domain, Path, DefaultTag, null) : this;

    /// <exception cref="BerthException">Not a valid tag (invalid parameter).</exception>
    public ImageReference WithTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (!ReferenceGrammar.Tag().IsMatch(tag)) throw BerthException.Invalid("invalid tag format");
        return new(Domain, Path, tag, Digest);
    }

    /// <exception cref="BerthException">Not a valid digest (invalid parameter).</exception>
    public ImageReference WithDigest(string digest) => new(Domain, Path, Tag, DigestFormat.Validate(digest));

    /// <summary>The repository alone, without tag or digest.</summary>
    public ImageReference NameOnly() => IsNameOnly ? this : new(Domain, Path, null, null);

    public override string ToString() => Repository + Suffix;

    private static (ImageReference? Result, string? Error) ParseCore(string s)
    {
        if (ReferenceGrammar.Identifier().IsMatch(s))
            return (null, $"invalid repository name ({s}), cannot specify 64-byte hexadecimal strings");

        var (domain, remainder) = SplitDockerDomain(s);
        var tagSeparator = remainder.IndexOf(':', StringComparison.Ordinal);
        var remote = tagSeparator < 0 ? remainder : remainder[..tagSeparator];
        if (!string.Equals(remote.ToLowerInvariant(), remote, StringComparison.Ordinal))
            return (null, $"invalid reference format: repository name ({remote}) must be lowercase");

        var full = domain + "/" + remainder;
        var match = ReferenceGrammar.Reference().Match(full);
        if (!match.Success || !ReferenceGrammar.DomainOnly().IsMatch(domain))
        {
            return ReferenceGrammar.Reference().IsMatch(full.ToLowerInvariant())
                ? (null, "invalid reference format: repository name must be lowercase")
                : (null, "invalid reference format");
        }
        var name = match.Groups[1].Value;
        if (name.Length > ReferenceGrammar.NameTotalLengthMax)
            return (null, $"invalid reference format: repository name must not be more than {ReferenceGrammar.NameTotalLengthMax} characters");

        var tag = match.Groups[2].Success ? match.Groups[2].Value : null;
        string? digest = null;
        if (match.Groups[3].Success)
        {
            digest = match.Groups[3].Value;
            if (DigestFormat.Problem(digest) is { } problem) return (null, problem);
        }
        return (new ImageReference(domain, name[(domain.Length + 1)..], tag, digest), null);
    }

    /// <summary>distribution/reference's <c>splitDockerDomain</c>: the first component is a domain only when it looks like one.</summary>
    private static (string Domain, string Remainder) SplitDockerDomain(string name)
    {
        string domain, remainder;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || (name.AsSpan(0, slash).IndexOfAny('.', ':') < 0 && name[..slash] != "localhost"
                          && string.Equals(name[..slash].ToLowerInvariant(), name[..slash], StringComparison.Ordinal)))
        {
            (domain, remainder) = (DefaultDomain, name);
        }
        else
        {
            (domain, remainder) = (name[..slash], name[(slash + 1)..]);
        }
        if (domain == LegacyDefaultDomain) domain = DefaultDomain;
        if (domain == DefaultDomain && !remainder.Contains('/', StringComparison.Ordinal)) remainder = OfficialRepoPrefix + remainder;
        return (domain, remainder);
    }
}
