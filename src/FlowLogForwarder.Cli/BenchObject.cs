using System.Globalization;
using System.IO.Compression;
using System.Text;
using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Cli;

/// <summary>
/// The benchmark's flow log object: seeded random records over wide ranges (an ENI, addresses, ports and counts drawn
/// afresh for every record), so it compresses less than most real flow logs do: 30 B/record gzipped, a pessimistic
/// base for wire figures. Shared by <c>flowlog-forward bench</c> and the BenchmarkDotNet compression benchmark.
/// </summary>
internal static class BenchObject
{
    /// <summary>AWS's default format.</summary>
    public const string V2Header = FlowLogHeader.DefaultFormat;

    /// <summary>A custom format with every v3 to v5 field.</summary>
    public const string V5Header = V2Header + " vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path";

    /// <summary>Writes the object to <paramref name="path"/>, gzipped as AWS delivers it.</summary>
    public static void WriteGzip(string path, long records, bool v5)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        Write(gzip, records, v5);
    }

    /// <summary>Writes the object's text (header line first) to <paramref name="output"/>.</summary>
    public static void Write(Stream output, long records, bool v5)
    {
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine(v5 ? V5Header : V2Header);
        var c = CultureInfo.InvariantCulture;
        var random = new Random(42);
        for (long i = 0; i < records; i++)
        {
            var start = 1763805900 + i / 5000;
            var accept = random.Next(20) != 0;
            var protocol = random.Next(10) switch { 0 => 17, 1 => 1, _ => 6 };
            writer.Write(string.Create(c, $"{(v5 ? 5 : 2)} 123456789012 eni-0{random.Next(0x10000000):x8}a1b2c3d4 10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)} "));
            writer.Write(string.Create(c, $"172.31.{random.Next(256)}.{random.Next(1, 255)} {random.Next(1024, 65536)} {(random.Next(3) == 0 ? 443 : random.Next(1, 65536))} {protocol} "));
            writer.Write(string.Create(c, $"{random.Next(1, 5000)} {random.Next(40, 9_000_000)} {start} {start + 60} {(accept ? "ACCEPT" : "REJECT")} OK"));
            if (v5)
            {
                writer.Write(string.Create(c, $" vpc-0a1b2c3d4e5f67890 subnet-0aa11bb22cc33dd44 i-0{random.Next(0x10000000):x8}abcdef0 {random.Next(32)} IPv4 "));
                writer.Write(string.Create(c, $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)} 172.31.{random.Next(256)}.{random.Next(1, 255)} us-east-1 use1-az4 - "));
                writer.Write(string.Create(c, $"{(random.Next(7) == 0 ? "S3" : "-")} {(random.Next(2) == 0 ? "ingress" : "egress")} {random.Next(1, 9)}"));
            }
            writer.Write('\n');
        }
    }
}
