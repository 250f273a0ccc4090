using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;
using FlowLogForwarder.Events;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Parsing;
using FlowLogForwarder.Pipeline;
using FlowLogForwarder.TestSupport;

namespace FlowLogForwarder.Tests.Properties;

/// <summary>Properties over generated input (CsCheck): arbitrary bytes never break the pipeline or its JSON; valid records round-trip.</summary>
public class ParserPropertyTests
{
    private static readonly string[] FieldNames = [.. FlowFields.All.Select(f => f.Name), "future-field"];

    private static readonly byte[] Special = [(byte)' ', (byte)'\n', (byte)'\r', (byte)'-', (byte)'"', (byte)'\\', (byte)'\t', 0, 0xC3, 0xA9, 0xFF];

    // Bytes that are likely to matter: separators, line ends, quotes, escapes, controls, non-ASCII and invalid UTF-8.
    private static readonly Gen<byte> InterestingByte = Gen.OneOf(
        Gen.Byte,
        Gen.Int[0, Special.Length - 1].Select(i => Special[i]),
        Gen.Byte[(byte)'0', (byte)'9']);


    private static void AssertValidBatches(CollectingSink sink)
    {
        foreach (var batch in sink.Batches)
        {
            using var document = JsonDocument.Parse(batch);
            Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
            foreach (var record in document.RootElement.EnumerateArray())
            {
                Assert.Equal(JsonValueKind.String, record.GetProperty("body").ValueKind);
                Assert.Equal(JsonValueKind.Object, record.GetProperty("attributes").ValueKind);
            }
        }
    }

    [Fact]
    public void Arbitrary_bytes_after_a_header_never_throw_and_never_produce_invalid_JSON()
    {
        var header = Encoding.ASCII.GetBytes(FlowLogGenerator.DefaultHeader + " future-field\n");
        InterestingByte.Array[0, 3000].Sample(body =>
        {
            var (summary, _, sink) = TestHelpers.RunAsync(new MemoryStream([.. header, .. body])).GetAwaiter().GetResult();
            Assert.Equal(summary.RecordsForwarded, summary.RecordsRead);
            AssertValidBatches(sink);
        }, iter: 400);
    }

    [Fact]
    public void Arbitrary_bytes_as_a_whole_object_never_throw()
    {
        Gen.Byte.Array[0, 2000].Sample(bytes =>
        {
            var (summary, _, sink) = TestHelpers.RunAsync(new MemoryStream(bytes)).GetAwaiter().GetResult();
            Assert.NotEqual(ObjectOutcome.Failed, summary.Outcome);
            AssertValidBatches(sink);
        }, iter: 300);
    }

    [Fact]
    public void The_parser_accepts_or_faults_any_line_without_throwing()
    {
        var parser = new FlowRecordParser(FlowLogHeader.Parse(FlowLogGenerator.V5Header));
        InterestingByte.Array[0, 400].Sample(line =>
        {
            var fault = parser.Parse(line, out var record);
            if (fault == LineFault.None)
            {
                for (var c = 0; c < parser.Header.ColumnCount; c++)
                {
                    Assert.False(record.Raw(c).IsEmpty);
                }
            }
        }, iter: 2000);
    }

    private static readonly Gen<string> TextValue = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzABCXYZ0123456789.:/_=+@é"], 1, 24];

    private static Gen<string> ValueFor(string field) =>
        FlowFields.Lookup(field).IsNumber
            ? Gen.Frequency((9, field is "end" or "start" ? Gen.ULong[0, 9_223_372_036].Select(n => n.ToString(CultureInfo.InvariantCulture))
                                                        : Gen.ULong.Select(n => n.ToString(CultureInfo.InvariantCulture))), (1, Gen.Const("-")))
            : Gen.Frequency((9, TextValue), (1, Gen.Const("-")));

    private static Gen<string[]> Row(string[] fields) =>
        fields.Aggregate(Gen.Const(Array.Empty<string>()), (row, field) => row.SelectMany(values => ValueFor(field).Select(v => (string[])[.. values, v])));

    [Fact]
    public void Valid_records_in_any_field_order_round_trip_through_JSON_with_AWS_names()
    {
        var gen =
            from fields in Gen.Shuffle(FieldNames).SelectMany(all => Gen.Int[1, all.Length].Select(n => all[..n]))
                .Where(f => f.Any(name => name != "future-field")) // a header needs one known field
            from rows in Row(fields).Array[1, 5]
            select (Fields: fields, Rows: rows);
        gen.Sample(input =>
        {
            var (fields, rows) = input;
            var text = string.Join(' ', fields) + "\n" + string.Concat(rows.Select(r => string.Join(' ', r) + "\n"));
            var (summary, records, _) = TestHelpers.RunTextAsync(text, new PipelineOptions { Naming = AttributeNaming.Aws }).GetAwaiter().GetResult();
            Assert.Equal(rows.Length, summary.RecordsForwarded);
            for (var r = 0; r < rows.Length; r++)
            {
                var attributes = records[r].GetProperty("attributes");
                Assert.Equal(string.Join(' ', rows[r]), records[r].GetProperty("body").GetString());
                for (var f = 0; f < fields.Length; f++)
                {
                    if (rows[r][f] == "-")
                    {
                        Assert.False(attributes.TryGetProperty(fields[f], out _), $"{fields[f]} should be omitted");
                    }
                    else
                    {
                        Assert.Equal(rows[r][f], attributes.GetProperty(fields[f]).ToString());
                    }
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void The_event_decoder_either_decodes_or_says_why_for_any_bytes()
    {
        var sample = Encoding.UTF8.GetBytes(S3Events.ObjectCreated("AWSLogs/1/vpcflowlogs/x.log.gz"));
        var mutated = Gen.Int[0, sample.Length - 1].Select(Gen.Byte).Array[1, 8]
            .Select(edits =>
            {
                var copy = (byte[])sample.Clone();
                foreach (var (at, value) in edits)
                {
                    copy[at] = value;
                }
                return copy;
            });
        Gen.OneOf(Gen.Byte.Array[0, 300], mutated).Sample(bytes =>
        {
            try
            {
                var decoded = EventDecoder.Decode(bytes);
                Assert.NotNull(decoded.Items);
            }
            catch (InvalidEventException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            }
        }, iter: 3000);
    }
}
