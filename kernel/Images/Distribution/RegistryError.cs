namespace Berth.Kernel.Images.Distribution;

/// <summary>One entry of a registry's <c>errors</c> array.</summary>
internal sealed record RegistryError(string Code, string Message, string? Detail)
{
    /// <summary>errcode's wording: the code in lower case with spaces, then the message (<c>manifest unknown: manifest unknown</c>).</summary>
    public string Text
    {
        get
        {
            var code = Code.ToLowerInvariant().Replace('_', ' ');
            return Message.Length == 0 ? code : $"{code}: {Message}";
        }
    }
}
