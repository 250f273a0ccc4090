using System.Text.Unicode;
using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Parsing;
using FlowLogForwarder.Reading;

namespace FlowLogForwarder.Pipeline;

/// <summary>
/// The synchronous heart of the pipeline for one object: line in, batch out. The first non-blank line is the header, or,
/// when it is a record, the first record of an object in the configured format (<c>FLOWLOG_FORMAT</c>); every record
/// is parsed, mapped, serialized and appended to the open batch.
/// </summary>
internal sealed class RecordProcessor : IDisposable
{
    private readonly FlowLogSource _source;
    private readonly ILogRecordWriter _mapper;
    private readonly PooledBufferWriter _scratch = new(4096);
    private readonly SigNozBatchWriter _batches;
    private readonly PipelineCursor _cursor;
    private readonly ForwardingTally _tally;
    private readonly FlowLogHeader _headerlessLayout;
    private FlowRecordParser? _parser;

    // Set when the first line was not a header, so the object was taken to be records in FLOWLOG_FORMAT: why, for the
    // case where not one line turns out to be such a record (then the object is not a flow log in that format at all).
    private string? _layoutAssumed;
    private bool _parsedAny;
    private long _recordFaults;

    public RecordProcessor(PipelineOptions options, FlowLogSource source, PipelineCursor cursor, ForwardingTally tally, BatchBufferPool pool,
        TimeProvider time, bool linesAreRecords = false)
    {
        _source = source;
        _headerlessLayout = options.HeaderlessLayout;
        _cursor = cursor;
        _tally = tally;
        _mapper = options.Protocol == SigNozProtocol.Otlp
            ? new OtlpLogRecordWriter(options.Naming, options.ServiceName, time, options.Body)
            : new FlowRecordJsonWriter(options.Naming, options.ServiceName, options.Body);
        _batches = new SigNozBatchWriter(options.MaxBatchBytes, options.MaxBatchRecords, pool, _mapper.Framing);
        if (linesAreRecords)
        {
            Begin(new FlowRecordParser(_headerlessLayout));
            _layoutAssumed = $"no line is a record in the configured format ({_headerlessLayout.ColumnCount} fields, FLOWLOG_FORMAT)";
        }
    }

    /// <summary>Processes one line from the source; returns a batch when one closed.</summary>
    public SigNozBatch? Process(in SourceLine source)
    {
        var number = source.Number;
        _tally.Line(number);
        if (source.TooLong)
        {
            _tally.Skip(number, LineFault.LineTooLong, null);
            return null;
        }
        var line = source.Text;
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }
        if (line.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0)
        {
            _tally.Blank();
            return null;
        }
        if (_parser is null && ReadLayout(line, number))
        {
            return null; // the header line (or the line that shows the object is not a flow log)
        }
        if (number <= _cursor.ResumeAfterLine)
        {
            _tally.AlreadyDelivered(); // a previous attempt delivered it; the header (line 1) is still read
            return null;
        }
        if (!Utf8.IsValid(line))
        {
            _tally.Skip(number, LineFault.InvalidUtf8, null);
            return null;
        }
        var fault = _parser.Parse(line, out var record);
        if (fault != LineFault.None)
        {
            _recordFaults++;
            _tally.Skip(number, fault, _parser.FaultColumn >= 0 ? _parser.Header.Names[_parser.FaultColumn] : null);
            return null;
        }
        _parsedAny = true;

        if (!source.Id.IsEmpty)
        {
            record = record.WithId(source.Id);
        }
        _scratch.Clear();
        fault = _mapper.Write(_scratch, record);
        if (fault == LineFault.None && _scratch.WrittenCount > _batches.MaxRecordBytes)
        {
            fault = LineFault.RecordTooLarge;
        }
        if (fault != LineFault.None)
        {
            _tally.Skip(number, fault, null);
            return null;
        }
        _tally.Record();
        return _batches.Add(_scratch.WrittenSpan, number, _mapper.Resource);
    }

    /// <summary>Closes the open batch, if any. An object read in FLOWLOG_FORMAT of which not one line was a record in
    /// it (and none was delivered before) is not a flow log in that format: it is marked unreadable, saying why.</summary>
    public SigNozBatch? Flush()
    {
        if (_layoutAssumed is { } why && !_parsedAny && _recordFaults > 0 && _cursor.ResumeAfterLine == 0)
        {
            _cursor.MarkUnreadable(why);
        }
        return _batches.Flush();
    }

    public void Dispose()
    {
        _scratch.Dispose();
        _batches.Dispose();
    }

    // The first line decides the layout by its content: a header names fields (every token a field name), a record's
    // first token is a number (the version) or a value. An object without a header is read in FLOWLOG_FORMAT: its first
    // line is then a record like the rest, a counted skip if it does not fit (one bad line never costs the rest). True
    // when the line was consumed (it was the header).
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(false, nameof(_parser))]
    private bool ReadLayout(ReadOnlySpan<byte> line, long number)
    {
        if (FlowLogHeader.TryParse(line, out var header, out var error))
        {
            Begin(new FlowRecordParser(header));
            return true;
        }
        var headerless = new FlowRecordParser(_headerlessLayout);
        var fault = headerless.Parse(line, out _);
        _layoutAssumed = fault == LineFault.None ? null
            : $"line {number}: {error}; nor is it a record in the configured format ({_headerlessLayout.ColumnCount} fields, " +
                $"FLOWLOG_FORMAT): {Describe(fault, headerless)}; no line of the object is";
        Begin(headerless);
        return false;
    }

    private static string Describe(LineFault fault, FlowRecordParser parser) =>
        fault == LineFault.BadNumber && parser.FaultColumn >= 0 ? $"'{parser.Header.Names[parser.FaultColumn]}' is not a number" : fault.ToString();

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_parser))]
    private void Begin(FlowRecordParser parser)
    {
        _parser = parser;
        _mapper.BeginObject(parser.Header, _source);
    }
}
