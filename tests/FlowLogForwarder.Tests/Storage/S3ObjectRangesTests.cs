using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.Events;
using FlowLogForwarder.Reading;
using FlowLogForwarder.Storage;
using Moq;

namespace FlowLogForwarder.Tests.Storage;

/// <summary>The ranged reader against an S3 double (Moq): what it refuses to read.</summary>
public class S3ObjectRangesTests
{
    [Fact]
    public async Task An_endpoint_that_ignores_Range_and_sends_the_whole_object_is_refused_before_it_is_read()
    {
        var whole = new ReadCountingStream(new byte[ParquetRecordSource.TailBytes * 4]);
        var s3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        s3.Setup(s => s.GetObjectAsync(It.Is<GetObjectRequest>(r => r.ByteRange != null), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GetObjectResponse { ContentLength = whole.Length, ResponseStream = whole, ETag = "\"e\"" });
        var reference = new ObjectReference("b", "AWSLogs/1/vpcflowlogs/x.log.parquet", whole.Length, "e", null, null);

        var error = await Assert.ThrowsAsync<IOException>(() => S3ObjectRanges.OpenAsync(s3.Object, reference, null, CancellationToken.None));

        Assert.Contains("ignores Range requests", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, whole.BytesRead); // not one byte of the body was read
    }

    private sealed class ReadCountingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Count(base.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(base.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await base.ReadAsync(buffer, cancellationToken));

        private int Count(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}
