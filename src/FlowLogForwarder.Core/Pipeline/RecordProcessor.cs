using System.Text.Unicode;
using FlowLogForwarder.Batching;
using FlowLogForwarder.Mapping;
using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Pipeline;

/// <summary>
/// The synchronous heart of the pipeline for one object: line in, batch out. The first non-blank line is the header;
/// every later line is parsed, mapped, serialized and appended to the open batch.
/// </summary>
internal sealed class RecordProcessor : IDisposable
{
    private readonly FlowLogSource _source;
    private readonly FlowRecordJsonWriter _mapper;
    private readonly PooledBufferWriter _scratch = new(4096);
    private readonly SigNozBatchWriter _batches;
    private readonly SummaryBuilder _summary;
    private readonly int _maxLineBytes;
    private FlowRecordParser? _parser;

    public RecordProcessor(PipelineOptions options, FlowLogSource source, SummaryBuilder summary, BatchBufferPool pool)
    {
        _source = source;
        _summary = summary;
        _maxLineBytes = options.MaxLineBytes;
        _mapper = new FlowRecordJsonWriter(options.Naming, options.ServiceName);
        _batches = new SigNozBatchWriter(options.MaxBatchBytes, options.MaxBatchRecords, pool);
    }

    /// <summary>Set when the object turned out not to be a flow log; no further line is processed.</summary>
    public string? FatalError { get; private set; }

    /// <summary>Processes one line (without its '\n'); returns a batch when one closed.</summary>
    public SigNozBatch? ProcessLine(ReadOnlySpan<byte> line)
    {
        var number = ++_summary.Lines;
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }
        if (line.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0)
        {
            _summary.BlankLines++;
            return null;
        }
        if (number <= _summary.ResumedAfterLine && _parser is not null)
        {
            _summary.LinesAlreadyDelivered++; // a previous attempt delivered it; the header (line 1) is still read
            return null;
        }
        if (line.Length > _maxLineBytes)
        {
            _summary.Skip(number, LineFault.LineTooLong, null);
            return null;
        }
        if (_parser is null)
        {
            ReadHeader(line);
            return null;
        }
        if (!Utf8.IsValid(line))
        {
            _summary.Skip(number, LineFault.InvalidUtf8, null);
            return null;
        }
        var fault = _parser.Parse(line, out var record);
        if (fault != LineFault.None)
        {
            _summary.Skip(number, fault, _parser.FaultColumn >= 0 ? _parser.Header.Names[_parser.FaultColumn] : null);
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
            _summary.Skip(number, fault, null);
            return null;
        }
        _summary.RecordsRead++;
        return _batches.Add(_scratch.WrittenSpan, number);
    }

    /// <summary>Counts a line that was longer than the read buffer and discarded unread.</summary>
    public void SkipLongLine() => _summary.Skip(++_summary.Lines, LineFault.LineTooLong, null);

    /// <summary>Closes the open batch, if any.</summary>
    public SigNozBatch? Flush() => _batches.Flush();

    public void Dispose()
    {
        _scratch.Dispose();
        _batches.Dispose();
    }

    private void ReadHeader(ReadOnlySpan<byte> line)
    {
        if (!FlowLogHeader.TryParse(line, out var header, out var error))
        {
            FatalError = $"line {_summary.Lines}: {error}";
            return;
        }
        _parser = new FlowRecordParser(header);
        _mapper.BeginObject(header, _source);
    }
}
