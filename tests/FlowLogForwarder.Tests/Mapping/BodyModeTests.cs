using System.Text;
using System.Text.Json;
using CsCheck;
using FlowLogForwarder.Batching;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Parsing;
using FlowLogForwarder.Pipeline;

namespace FlowLogForwarder.Tests.Mapping;

public class BodyModeTests
{
    private const string V2 = FlowLogHeader.DefaultFormat;
    private const string Reject = "2 123456789012 eni-0a1b2c3d 203.0.113.9 10.0.1.5 51234 22 6 3 180 1763805900 1763805960 REJECT OK";

    private static async Task<JsonElement> SingleAsync(string header, string line, BodyMode body)
    {
        var (summary, records, _) = await TestHelpers.RunTextAsync($"{header}\n{line}\n", new PipelineOptions { Body = body });
        Assert.Equal(ObjectOutcome.Completed, summary.Outcome);
        return Assert.Single(records);
    }

    private static async Task<string?> SummaryAsync(string header, string line) =>
        (await SingleAsync(header, line, BodyMode.Summary)).GetProperty("body").GetString();

    [Fact]
    public async Task Line_is_the_default_and_carries_the_original_line()
    {
        Assert.Equal(BodyMode.Line, new PipelineOptions().Body);
        var record = await SingleAsync(V2, Reject, BodyMode.Line);
        Assert.Equal(Reject, record.GetProperty("body").GetString());
    }

    [Fact]
    public async Task None_writes_no_body_key_and_the_same_everything_else()
    {
        var none = await SingleAsync(V2, Reject, BodyMode.None);
        var line = await SingleAsync(V2, Reject, BodyMode.Line);
        Assert.False(none.TryGetProperty("body", out _));
        Assert.Equal(
            line.EnumerateObject().Where(p => p.Name != "body").Select(p => $"{p.Name}={p.Value.GetRawText()}"),
            none.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetRawText()}"));
    }

    [Fact]
    public async Task Summary_keeps_severity_and_attributes_and_replaces_only_the_body()
    {
        var summary = await SingleAsync(V2, Reject, BodyMode.Summary);
        var line = await SingleAsync(V2, Reject, BodyMode.Line);
        Assert.Equal("REJECT tcp 203.0.113.9:51234 -> 10.0.1.5:22 (3 packets, 180 bytes)", summary.GetProperty("body").GetString());
        Assert.Equal("WARN", summary.GetProperty("severity_text").GetString());
        Assert.Equal(line.GetProperty("attributes").GetRawText(), summary.GetProperty("attributes").GetRawText());
    }

    [Theory]
    // ICMP and other portless protocols: AWS writes port 0, the summary shows none.
    [InlineData("2 1 eni-1 10.0.0.1 10.0.0.2 0 0 1 1 84 1 2 ACCEPT OK", "ACCEPT icmp 10.0.0.1 -> 10.0.0.2 (1 packet, 84 bytes)")]
    [InlineData("2 1 eni-1 10.0.0.1 10.0.0.2 0 0 50 7 1 1 2 ACCEPT OK", "ACCEPT esp 10.0.0.1 -> 10.0.0.2 (7 packets, 1 byte)")]
    [InlineData("2 1 eni-1 10.0.0.1 10.0.0.2 5 6 17 2 100 1 2 ACCEPT OK", "ACCEPT udp 10.0.0.1:5 -> 10.0.0.2:6 (2 packets, 100 bytes)")]
    // A number IANA gives no keyword.
    [InlineData("2 1 eni-1 10.0.0.1 10.0.0.2 0 0 253 2 100 1 2 ACCEPT OK", "ACCEPT proto-253 10.0.0.1 -> 10.0.0.2 (2 packets, 100 bytes)")]
    // IPv6: bracketed when a port follows, bare when none does.
    [InlineData("2 1 eni-1 2001:db8::1 2001:db8::2 443 51000 6 4 400 1 2 ACCEPT OK", "ACCEPT tcp [2001:db8::1]:443 -> [2001:db8::2]:51000 (4 packets, 400 bytes)")]
    [InlineData("2 1 eni-1 2001:db8::1 2001:db8::2 0 0 58 1 64 1 2 ACCEPT OK", "ACCEPT ipv6-icmp 2001:db8::1 -> 2001:db8::2 (1 packet, 64 bytes)")]
    // NODATA and SKIPDATA rows: the interface and what the status means.
    [InlineData("2 123456789012 eni-0a1b2c3d - - - - - - - 1 2 - NODATA", "NODATA eni-0a1b2c3d (no traffic)")]
    [InlineData("2 123456789012 eni-0a1b2c3d - - - - - - - 1 2 - SKIPDATA", "SKIPDATA eni-0a1b2c3d (records skipped)")]
    [InlineData("2 123456789012 - - - - - - - - 1 2 - NODATA", "NODATA (no traffic)")]
    // '-' in a flow row: that part is left out, a missing address is '-'.
    [InlineData("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 - 180 1 2 - OK", "tcp 10.0.0.1:1 -> 10.0.0.2:2 (180 bytes)")]
    [InlineData("2 1 eni-1 - 10.0.0.2 - 22 6 3 - 1 2 ACCEPT OK", "ACCEPT tcp - -> 10.0.0.2:22 (3 packets)")]
    [InlineData("2 1 eni-1 - - - - - - - 1 2 ACCEPT OK", "ACCEPT")]
    public async Task Summary_of_a_default_format_record(string line, string expected) =>
        Assert.Equal(expected, await SummaryAsync(V2, line));

    [Fact]
    public async Task Summary_shows_the_original_packet_endpoints_as_source_address_does()
    {
        const string header = "srcaddr dstaddr srcport dstport protocol pkt-srcaddr pkt-dstaddr action";
        Assert.Equal("ACCEPT tcp 192.0.2.10:45012 -> 10.0.4.9:5432",
            await SummaryAsync(header, "10.0.3.17 10.0.4.9 45012 5432 6 192.0.2.10 10.0.4.9 ACCEPT"));
        Assert.Equal("ACCEPT tcp 10.0.3.17:45012 -> 10.0.4.9:5432",
            await SummaryAsync(header, "10.0.3.17 10.0.4.9 45012 5432 6 - - ACCEPT"));
    }

    [Fact]
    public async Task Summary_without_a_protocol_column_shows_the_ports_and_a_format_without_its_fields_is_empty()
    {
        Assert.Equal("10.0.0.1:1 -> 10.0.0.2:2", await SummaryAsync("srcaddr dstaddr srcport dstport", "10.0.0.1 10.0.0.2 1 2"));
        Assert.Equal("", await SummaryAsync("version end vpc-id", "5 1763805960 vpc-1"));
    }

    [Fact]
    public async Task Summary_escapes_what_JSON_requires()
    {
        Assert.Equal("ACCEPT\"x 10.0.0.\\1 -> - (2 packets)",
            await SummaryAsync("action srcaddr packets", "ACCEPT\"x 10.0.0.\\1 2"));
    }

    [Fact]
    public void Summary_of_arbitrary_bytes_is_always_a_JSON_string()
    {
        // Every column the summary reads, in an order unlike AWS's; values drawn from bytes JSON must escape and '-'.
        var header = Encoding.ASCII.GetBytes("action log-status interface-id protocol pkt-srcaddr srcaddr srcport dstaddr pkt-dstaddr dstport packets bytes\n");
        byte[] special = [(byte)' ', (byte)'\n', (byte)'-', (byte)':', (byte)'"', (byte)'\\', 0, 0x1F, 0xC3, 0xA9, (byte)'6', (byte)'1'];
        var bytes = Gen.OneOf(Gen.Byte, Gen.Int[0, special.Length - 1].Select(i => special[i]));
        bytes.Array[0, 2000].Sample(body =>
        {
            var (summary, records, _) = TestHelpers.RunAsync(new MemoryStream([.. header, .. body]), new PipelineOptions { Body = BodyMode.Summary })
                .GetAwaiter().GetResult();
            Assert.Equal(summary.RecordsForwarded, summary.RecordsRead);
            Assert.All(records, r => Assert.Equal(JsonValueKind.String, r.GetProperty("body").ValueKind));
        }, iter: 300);
    }

    [Fact]
    public void Summary_allocates_nothing_per_record()
    {
        var header = FlowLogHeader.Parse(V2);
        var parser = new FlowRecordParser(header);
        var writer = new FlowRecordJsonWriter(AttributeNaming.OpenTelemetry, "svc", BodyMode.Summary);
        writer.BeginObject(header, FlowLogSource.FromKey("b", "k"));
        using var output = new PooledBufferWriter(1 << 20);
        var line = Encoding.ASCII.GetBytes("2 1 eni-1 2001:db8::1 2001:db8::2 443 51000 6 4 400 1 2 REJECT OK");
        // Faults are counted rather than asserted inside the loop: an assertion allocates.
        int WriteMany(int count)
        {
            var faults = 0;
            for (var i = 0; i < count; i++)
            {
                output.Clear();
                faults += parser.Parse(line, out var record) == LineFault.None && writer.Write(output, record) == LineFault.None ? 0 : 1;
            }
            return faults;
        }
        Assert.Equal(0, WriteMany(100));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var faults = WriteMany(10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, faults);
        Assert.Equal(0, allocated);
    }
}
