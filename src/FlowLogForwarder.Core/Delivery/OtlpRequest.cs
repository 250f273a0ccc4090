using System.Text;
using FlowLogForwarder.Mapping;

namespace FlowLogForwarder.Delivery;

/// <summary>
/// The OTLP/HTTP logs request around a batch's records, and its answer. The request is one
/// <c>ExportLogsServiceRequest</c> with one <c>ResourceLogs</c> (the batch's resource, once) holding one
/// <c>ScopeLogs</c> whose <c>log_records</c> are the batch as it is: only the few bytes in front are built per request.
/// </summary>
internal static class OtlpRequest
{
    /// <summary>The media type of requests (and of the answers decoded).</summary>
    public const string ContentType = "application/x-protobuf";

    /// <summary>Most bytes of a 2xx answer read for its partial success; a real one is a few hundred bytes at most.</summary>
    public const int MaxResponseBytes = 64 * 1024;

    private static readonly byte Field1 = ProtoWire.Tag(1, ProtoWire.LengthDelimited);
    private static readonly byte Field2 = ProtoWire.Tag(2, ProtoWire.LengthDelimited);

    // ScopeLogs.scope: InstrumentationScope { name = "flowlog-forwarder" }.
    private static readonly byte[] Scope = Field(Field1, Field(Field1, "flowlog-forwarder"u8.ToArray()));

    /// <summary>The bytes before the records: request, resource logs (with <paramref name="resource"/>), scope logs.</summary>
    public static byte[] Head(ReadOnlySpan<byte> resource, int recordBytes)
    {
        var scopeLogs = Scope.Length + recordBytes;
        var resourceField = 1 + ProtoWire.VarintSize((ulong)resource.Length) + resource.Length;
        var resourceLogs = resourceField + 1 + ProtoWire.VarintSize((ulong)scopeLogs) + scopeLogs;
        var head = new byte[(3 * (1 + ProtoWire.MaxVarintBytes)) + resource.Length + Scope.Length];
        var proto = new ProtoWire(head);
        proto.Byte(Field1);                // ExportLogsServiceRequest.resource_logs
        proto.Varint((ulong)resourceLogs);
        proto.Bytes(Field1, resource);     // ResourceLogs.resource
        proto.Byte(Field2);                // ResourceLogs.scope_logs
        proto.Varint((ulong)scopeLogs);
        proto.Raw(Scope);                  // ScopeLogs.scope; ScopeLogs.log_records follow
        return head[..proto.Position];
    }

    /// <summary>Reads <c>ExportLogsServiceResponse.partial_success</c>: records the server rejected (final, not to be
    /// retried) and its message. False when the body is not a well-formed response (status alone then decides).</summary>
    public static bool TryReadPartialSuccess(ReadOnlySpan<byte> body, out long rejected, out string? message)
    {
        rejected = 0;
        message = null;
        var reader = new Reader(body);
        while (!reader.AtEnd)
        {
            if (!reader.TryField(out var field, out var wireType, out var content))
            {
                return false;
            }
            if (field != 1 || wireType != ProtoWire.LengthDelimited)
            {
                continue;
            }
            var inner = new Reader(content);
            while (!inner.AtEnd)
            {
                if (!inner.TryField(out var innerField, out var innerType, out var value))
                {
                    return false;
                }
                if (innerField == 1 && innerType == ProtoWire.VarintType)
                {
                    rejected = (long)inner.LastVarint;
                }
                else if (innerField == 2 && innerType == ProtoWire.LengthDelimited)
                {
                    message = Encoding.UTF8.GetString(value);
                }
            }
        }
        return true;
    }

    private static byte[] Field(byte tag, byte[] content)
    {
        var bytes = new byte[1 + ProtoWire.MaxVarintBytes + content.Length];
        var proto = new ProtoWire(bytes);
        proto.Bytes(tag, content);
        return bytes[..proto.Position];
    }

    // Just enough of a protobuf reader for the response: fields by tag, unknown ones skipped, malformed input refused.
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly bool AtEnd => _position >= _data.Length;

        public ulong LastVarint { get; private set; }

        public bool TryField(out int field, out int wireType, out ReadOnlySpan<byte> content)
        {
            field = 0;
            wireType = 0;
            content = default;
            if (!TryVarint(out var tag))
            {
                return false;
            }
            field = (int)(tag >> 3);
            wireType = (int)(tag & 7);
            switch (wireType)
            {
                case ProtoWire.VarintType:
                    if (!TryVarint(out var value))
                    {
                        return false;
                    }
                    LastVarint = value;
                    return true;
                case ProtoWire.Fixed64:
                    return Skip(8);
                case 5: // fixed32
                    return Skip(4);
                case ProtoWire.LengthDelimited:
                    if (!TryVarint(out var length) || length > (ulong)(_data.Length - _position))
                    {
                        return false;
                    }
                    content = _data.Slice(_position, (int)length);
                    _position += (int)length;
                    return true;
                default:
                    return false;
            }
        }

        private bool Skip(int bytes)
        {
            if (_data.Length - _position < bytes)
            {
                return false;
            }
            _position += bytes;
            return true;
        }

        private bool TryVarint(out ulong value)
        {
            value = 0;
            for (var shift = 0; shift < 64 && _position < _data.Length; shift += 7)
            {
                var b = _data[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
