using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Sdk;

namespace Berth.Kernel.Runtime.Spec;

/// <summary>The uid, gid and supplementary gids a process runs with.</summary>
public sealed record ProcessUser(uint Uid, uint Gid, IReadOnlyList<uint> AdditionalGids)
{
    /// <summary>The OCI <c>process.user</c> object.</summary>
    public JsonObject ToJson() => new()
    {
        ["uid"] = Uid,
        ["gid"] = Gid,
        ["additionalGids"] = new JsonArray(AdditionalGids.Select(g => (JsonNode)g).ToArray()),
    };
}

/// <summary>
/// Resolves Docker's <c>User</c> ("name", "uid", "name:group", "uid:gid") against the container's /etc/passwd and
/// /etc/group exactly as moby/sys/user.GetExecUser does, plus HostConfig.GroupAdd (Moby's getUser).
/// </summary>
public static class UserResolver
{
    private const int MaxId = int.MaxValue;

    public static ProcessUser Resolve(string rootfsPath, string userSpec, IReadOnlyList<string> groupAdd)
    {
        ArgumentNullException.ThrowIfNull(rootfsPath);
        ArgumentNullException.ThrowIfNull(groupAdd);
        var passwd = UserDatabase.ReadLines(RootfsPath.Resolve(rootfsPath, "/etc/passwd"));
        var group = UserDatabase.ReadLines(RootfsPath.Resolve(rootfsPath, "/etc/group"));
        return Resolve(userSpec ?? "", groupAdd, passwd, group);
    }

    /// <summary>The same over already-read files; null means the file does not exist.</summary>
    internal static ProcessUser Resolve(string userSpec, IReadOnlyList<string> groupAdd, IReadOnlyList<string>? passwd, IReadOnlyList<string>? group)
    {
        var (uid, gid, supplementary) = ExecUser(userSpec, passwd, group);
        var gids = new List<uint> { (uint)gid };
        gids.AddRange(supplementary.Select(g => (uint)g));
        if (groupAdd.Count > 0) gids.AddRange(AdditionalGroups(groupAdd, group).Select(g => (uint)g));
        return new ProcessUser((uint)uid, (uint)gid, gids);
    }

    /// <summary>moby/sys/user.GetExecUser with no defaults (uid 0, gid 0).</summary>
    private static (int Uid, int Gid, IReadOnlyList<int> Sgids) ExecUser(string userSpec, IReadOnlyList<string>? passwd, IReadOnlyList<string>? group)
    {
        int uid = 0, gid = 0;
        IReadOnlyList<int> sgids = [];
        var colon = userSpec.IndexOf(':', StringComparison.Ordinal);
        var userPart = colon < 0 ? userSpec : userSpec[..colon];
        var groupPart = colon < 0 ? "" : userSpec[(colon + 1)..];
        var userArg = IdArg.Parse(userPart);
        var groupArg = IdArg.Parse(groupPart);

        var users = passwd is null
            ? []
            : UserDatabase.ParsePasswd(passwd).Where(u => userArg is null ? u.Uid == uid : userArg.Matches(u.Name, u.Uid)).ToList();
        var matchedName = "";
        if (users.Count > 0)
        {
            matchedName = users[0].Name;
            uid = users[0].Uid;
            gid = users[0].Gid;
        }
        else if (userArg is not null)
        {
            if (!userArg.IsNumeric) throw BerthException.Invalid($"unable to find user {userArg.Name}: no matching entries in passwd file");
            uid = userArg.Id;
        }

        if (groupArg is not null || matchedName.Length > 0)
        {
            var groups = group is null
                ? []
                : UserDatabase.ParseGroup(group).Where(g => groupArg is null ? g.Members.Contains(matchedName) : groupArg.Matches(g.Name, g.Gid)).ToList();
            if (groupArg is not null)
            {
                if (groups.Count > 0) gid = groups[0].Gid;
                else if (!groupArg.IsNumeric) throw BerthException.Invalid($"unable to find group {groupArg.Name}: no matching entries in group file");
                else gid = groupArg.Id;
            }
            else if (groups.Count > 0)
            {
                sgids = groups.Select(g => g.Gid).ToList();
            }
        }
        return (uid, gid, sgids);
    }

    /// <summary>moby/sys/user.GetAdditionalGroups: names or numbers; a name must exist in /etc/group.</summary>
    private static List<int> AdditionalGroups(IReadOnlyList<string> additional, IReadOnlyList<string>? group)
    {
        var args = additional.Select(a => IdArg.Parse(a) ?? throw BerthException.Invalid($"unable to find group {a}: no matching entries in group file")).ToList();
        var groups = group is null ? [] : UserDatabase.ParseGroup(group).Where(g => args.Any(a => a.Matches(g.Name, g.Gid))).ToList();
        var gids = new List<int>();
        foreach (var arg in args)
        {
            var found = groups.FirstOrDefault(g => arg.Matches(g.Name, g.Gid));
            int gid;
            if (found is not null)
            {
                if (found.Gid is < 0 or > MaxId) throw BerthException.Invalid(RangeError);
                gid = found.Gid;
            }
            else if (!arg.IsNumeric)
            {
                throw BerthException.Invalid($"unable to find group {arg.Name}: no matching entries in group file");
            }
            else
            {
                gid = arg.Id;
            }
            if (!gids.Contains(gid)) gids.Add(gid);
        }
        return gids;
    }

    private const string RangeError = "uids and gids must be in range 0-2147483647";

    /// <summary>A user or group argument: a name, or a number in [0, 2^31-1] (moby/sys/user parseNumeric).</summary>
    private sealed record IdArg(string Name, int Id, bool IsNumeric)
    {
        public static IdArg? Parse(string text)
        {
            if (text.Length == 0) return null;
            var digits = text.Length > 0 && text[0] is '+' or '-' ? text[1..] : text;
            if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) return new IdArg(text, 0, false);
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value is < 0 or > MaxId)
                throw BerthException.Invalid(RangeError);
            return new IdArg(text, (int)value, true);
        }

        public bool Matches(string name, int id) => IsNumeric ? id == Id : name == Name;
    }
}
