using System.Text.Unicode;
using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Parsing;
using FlowLogForwarder.Reading;

namespace FlowLogForwarder.Pipeline;

/// <summary>
/// The synchronous heart of the pipeline for one object: line in, batch out. The first non-blank line is the header;
/// every later line is parsed, mapped, serialized and appended to the open batch.
/// </summary>
internal sealed class RecordProcessor : IDisposable
{
    private readonly FlowLogSource _source;
    private readonly ILogRecordWriter _mapper;
    private readonly PooledBufferWriter _scratch = new(4096);
    private readonly SigNozBatchWriter _batches;
    private readonly PipelineCursor _cursor;
    private readonly ForwardingTally _tally;
    private FlowRecordParser? _parser;

    public RecordProcessor(PipelineOptions options, FlowLogSource source, PipelineCursor cursor, ForwardingTally tally, BatchBufferPool pool,
        TimeProvider time)
    {
        _source = source;
        _cursor = cursor;
        _tally = tally;
        _mapper = options.Protocol == SigNozProtocol.Otlp
            ? new OtlpLogRecordWriter(options.Naming, options.ServiceName, time, options.Body)
            : new FlowRecordJsonWriter(options.Naming, options.ServiceName, options.Body);
        _batches = new SigNozBatchWriter(options.MaxBatchBytes, options.MaxBatchRecords, pool, _mapper.Framing);
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
        if (number <= _cursor.ResumeAfterLine && _parser is not null)
        {
            _tally.AlreadyDelivered(); // a previous attempt delivered it; the header (line 1) is still read
            return null;
        }
        if (_parser is null)
        {
            ReadHeader(line, number);
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
            _tally.Skip(number, fault, _parser.FaultColumn >= 0 ? _parser.Header.Names[_parser.FaultColumn] : null);
            return null;
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

    /// <summary>Closes the open batch, if any.</summary>
    public SigNozBatch? Flush() => _batches.Flush();

    public void Dispose()
    {
        _scratch.Dispose();
        _batches.Dispose();
    }

    private void ReadHeader(ReadOnlySpan<byte> line, long number)
    {
        if (!FlowLogHeader.TryParse(line, out var header, out var error))
        {
            _cursor.MarkUnreadable($"line {number}: {error}");
            return;
        }
        _parser = new FlowRecordParser(header);
        _mapper.BeginObject(header, _source);
    }
}
