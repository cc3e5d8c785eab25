using System.Text;
using Berth.Kernel.Images.Distribution;

namespace Berth.Kernel.Tests.Images.Distribution;

/// <summary>Manifest documents for parser and client tests.</summary>
internal static class TestManifests
{
    public static string Digest(char c) => "sha256:" + new string(c, 64);

    public static byte[] Manifest(string mediaType = MediaTypes.OciManifest, string configType = MediaTypes.OciConfig, bool withMediaType = true) =>
        Encoding.UTF8.GetBytes($$"""
            {
              "schemaVersion": 2,
              {{(withMediaType ? $"\"mediaType\": \"{mediaType}\"," : "")}}
              "config": { "mediaType": "{{configType}}", "digest": "{{Digest('c')}}", "size": 7 },
              "layers": [
                { "mediaType": "{{MediaTypes.OciLayerGzip}}", "digest": "{{Digest('1')}}", "size": 100 },
                { "mediaType": "{{MediaTypes.DockerForeignLayer}}", "digest": "{{Digest('2')}}", "size": 200,
                  "urls": ["https://example.com/layer"], "annotations": { "a": "b" } }
              ]
            }
            """);

    public static byte[] Index(string mediaType, params (string Digest, long Size, string Os, string Arch, string? Variant, string? ReferenceType)[] entries)
    {
        var manifests = entries.Select(e =>
        {
            var variant = e.Variant is null ? "" : $", \"variant\": \"{e.Variant}\"";
            var annotations = e.ReferenceType is null ? "" : $", \"annotations\": {{ \"vnd.docker.reference.type\": \"{e.ReferenceType}\" }}";
            return $"{{ \"mediaType\": \"{MediaTypes.OciManifest}\", \"digest\": \"{e.Digest}\", \"size\": {e.Size}, " +
                   $"\"platform\": {{ \"architecture\": \"{e.Arch}\", \"os\": \"{e.Os}\"{variant} }}{annotations} }}";
        });
        return Encoding.UTF8.GetBytes($"{{ \"schemaVersion\": 2, \"mediaType\": \"{mediaType}\", \"manifests\": [ {string.Join(", ", manifests)} ] }}");
    }
}
