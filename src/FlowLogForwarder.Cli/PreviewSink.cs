using System.Text.Json;
using FlowLogForwarder.Batching;
using FlowLogForwarder.Delivery;

namespace FlowLogForwarder.Cli;

/// <summary>Prints each record of each batch on its own line instead of sending it.</summary>
internal sealed class PreviewSink(TextWriter output) : IBatchSink
{
    private readonly Lock _gate = new();

    public ValueTask<DeliveryResult> SendAsync(SigNozBatch batch, CancellationToken cancellationToken)
    {
        // Parsing the batch back also proves it is the valid JSON array the endpoint would get.
        using var document = JsonDocument.Parse(batch.Json);
        lock (_gate)
        {
            foreach (var record in document.RootElement.EnumerateArray())
            {
                output.WriteLine(record.GetRawText());
            }
        }
        return ValueTask.FromResult(new DeliveryResult(DeliveryStatus.Delivered, 1, null, null));
    }
}
