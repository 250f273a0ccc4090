using System.Globalization;
using System.IO.Compression;
using System.Text;
using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.TestSupport;

/// <summary>Writes realistic flow log objects of any size. Record i carries i in its <c>packets</c> field, so tests can track each one.</summary>
public static class FlowLogGenerator
{
    /// <summary>The default (version 2) format.</summary>
    public const string DefaultHeader = FlowLogHeader.DefaultFormat;

    /// <summary>A version 5 custom format.</summary>
    public const string V5Header = DefaultHeader + " vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path";

    /// <summary>Writes a gzipped object with <paramref name="records"/> records to <paramref name="path"/>.</summary>
    public static void WriteGzip(string path, long records, string header = DefaultHeader, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, level);
        Write(gzip, records, header);
    }

    /// <summary>Writes the text of an object (header line and records) to <paramref name="output"/>.</summary>
    public static void Write(Stream output, long records, string header = DefaultHeader)
    {
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine(header);
        var v5 = header == V5Header;
        var line = new StringBuilder(256);
        for (long i = 0; i < records; i++)
        {
            line.Clear();
            Line(line, i, v5);
            writer.WriteLine(line);
        }
    }

    /// <summary>Formats record <paramref name="i"/>.</summary>
    public static string Line(long i, bool v5 = false) => Line(new StringBuilder(), i, v5).ToString();

    private static StringBuilder Line(StringBuilder line, long i, bool v5)
    {
        var c = CultureInfo.InvariantCulture;
        var start = 1763805900 + (i / 1000);
        var action = i % 17 == 0 ? "REJECT" : "ACCEPT";
        var protocol = (i % 5) switch { 0 => 17, 1 => 1, _ => 6 };
        line.Append(c, $"{(v5 ? 5 : 2)} 123456789012 eni-0a1b2c3d4e5f{i % 100000:D5} 10.{i % 200}.{i / 200 % 250}.{i % 250 + 1} ")
            .Append(c, $"172.31.{i % 64}.{i % 251 + 1} {1024 + i % 60000} {(i % 3 == 0 ? 443 : 53)} {protocol} {i} {40 + i % 9000} ")
            .Append(c, $"{start} {start + 60} {action} OK");
        if (v5)
        {
            line.Append(c, $" vpc-0a1b2c3d subnet-0aa11bb22cc33dd44 i-0123456789abcdef0 {i % 32} IPv4 10.{i % 200}.{i / 200 % 250}.{i % 250 + 1} ")
                .Append(c, $"172.31.{i % 64}.{i % 251 + 1} us-east-1 use1-az4 - {(i % 7 == 0 ? "S3" : "-")} {(i % 2 == 0 ? "ingress" : "egress")} {(i % 8) + 1}");
        }
        return line;
    }
}
