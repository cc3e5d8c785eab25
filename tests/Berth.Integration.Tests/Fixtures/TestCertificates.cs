namespace Berth.Integration.Tests.Fixtures;

/// <summary>A throw-away CA with a server certificate for 127.0.0.1 and a client certificate, made with openssl.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("berth-tls.");

    private TestCertificates() { }

    public string CaCert => Path.Combine(dir.FullName, "ca.pem");
    public string ServerCert => Path.Combine(dir.FullName, "server-cert.pem");
    public string ServerKey => Path.Combine(dir.FullName, "server-key.pem");
    public string ClientCert => Path.Combine(dir.FullName, "cert.pem");
    public string ClientKey => Path.Combine(dir.FullName, "key.pem");

    public static async Task<TestCertificates> CreateAsync()
    {
        var certs = new TestCertificates();
        var d = certs.dir.FullName;
        await File.WriteAllTextAsync(Path.Combine(d, "server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        await File.WriteAllTextAsync(Path.Combine(d, "client.ext"), "extendedKeyUsage=clientAuth\n");
        await OpenSslAsync(d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "1", "-subj", "/CN=berth-test-ca");
        foreach (var (name, ext) in new[] { ("server", "server.ext"), ("client", "client.ext") })
        {
            var key = name == "server" ? "server-key.pem" : "key.pem";
            var cert = name == "server" ? "server-cert.pem" : "cert.pem";
            await OpenSslAsync(d, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", $"{name}.csr", "-subj", $"/CN={name}");
            await OpenSslAsync(d, "x509", "-req", "-in", $"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", cert, "-days", "1", "-extfile", ext);
        }
        return certs;
    }

    private static async Task OpenSslAsync(string workDir, params string[] args)
    {
        var result = await Processes.RunAsync("sh", ["-c", $"cd '{workDir}' && openssl {string.Join(' ', args.Select(a => $"'{a}'"))}"]);
        if (result.ExitCode != 0) throw new InvalidOperationException($"openssl {args[0]} failed: {result}");
    }

    public void Dispose() => dir.Delete(recursive: true);
}
