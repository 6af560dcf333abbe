using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Robotics.Drivers.Tests.Fixtures;

/// <summary>A throw-away CA and a server certificate for 127.0.0.1, written as PEM files for Mosquitto.</summary>
internal sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        Dir = Directory.CreateTempSubdirectory("mqtt-tls-").FullName;
        using var caKey = RSA.Create(2048);
        var caReq = new CertificateRequest("CN=robotics test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        using var serverKey = RSA.Create(2048);
        var req = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = req.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);

        CaFile = Path.Combine(Dir, "ca.pem");
        CertFile = Path.Combine(Dir, "server.pem");
        KeyFile = Path.Combine(Dir, "server.key");
        File.WriteAllText(CaFile, ca.ExportCertificatePem());
        File.WriteAllText(CertFile, server.ExportCertificatePem());
        File.WriteAllText(KeyFile, serverKey.ExportPkcs8PrivateKeyPem());
    }

    public string Dir { get; }
    public string CaFile { get; }
    public string CertFile { get; }
    public string KeyFile { get; }

    public void Dispose()
    {
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
