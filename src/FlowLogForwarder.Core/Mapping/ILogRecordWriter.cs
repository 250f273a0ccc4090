using FlowLogForwarder.Batching;
using FlowLogForwarder.Parsing;

namespace FlowLogForwarder.Mapping;

/// <summary>Renders parsed flow records as log records in one protocol's encoding (SigNoz JSON, or OTLP protobuf).</summary>
public interface ILogRecordWriter
{
    /// <summary>How records are joined into a batch.</summary>
    BatchFraming Framing { get; }

    /// <summary>The encoded resource the records written since it last changed share, or null when each record carries
    /// its own (JSON). A batch holds records of one resource: a new array here closes the open batch.</summary>
    byte[]? Resource { get; }

    /// <summary>Prepares for the records of one object: its layout and where it came from.</summary>
    void BeginObject(FlowLogHeader header, FlowLogSource source);

    /// <summary>Appends <paramref name="record"/>; returns a fault instead when it cannot be expressed.</summary>
    LineFault Write(PooledBufferWriter output, in FlowRecord record);
}
