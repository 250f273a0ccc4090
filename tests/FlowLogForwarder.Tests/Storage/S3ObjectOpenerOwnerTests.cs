using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Events;
using FlowLogForwarder.Storage;
using Moq;

namespace FlowLogForwarder.Tests.Storage;

/// <summary>The bucket owner condition on the GET, with the S3 client (the true seam) mocked; see SharedBucketTests for the process.</summary>
public class S3ObjectOpenerOwnerTests
{
    private readonly Mock<IAmazonS3> _s3 = new(MockBehavior.Strict);

    private static ObjectReference In(string bucket) => new(bucket, "AWSLogs/x.log.gz", 10, "e1", null, null);

    private static ExpectedBucketOwners? Owners(string? text) => ExpectedBucketOwners.Parse(text, "FLOWLOG_EXPECTED_BUCKET_OWNER");

    private List<GetObjectRequest> ServeObjects()
    {
        var seen = new List<GetObjectRequest>();
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>()))
            .Callback<GetObjectRequest, CancellationToken>((r, _) => seen.Add(r))
            .ReturnsAsync(() => new GetObjectResponse { ResponseStream = new MemoryStream(Encoding.UTF8.GetBytes("x")), ETag = "\"e1\"" });
        return seen;
    }

    private static AmazonS3Exception AccessDenied() => new("Access Denied", ErrorType.Sender, "AccessDenied", "req-1", HttpStatusCode.Forbidden);

    [Theory]
    [InlineData("111122223333", "flow-logs", "111122223333")]
    [InlineData("flow-logs@444455556666,111122223333", "flow-logs", "444455556666")]
    [InlineData("flow-logs@444455556666,111122223333", "other-logs", "111122223333")]
    [InlineData(null, "flow-logs", null)]
    public async Task The_get_names_the_bucket_s_expected_owner(string? setting, string bucket, string? expected)
    {
        var seen = ServeObjects();
        await using var opened = (await new S3ObjectOpener(_s3.Object, Owners(setting)).OpenAsync(In(bucket), CancellationToken.None)).Body;
        Assert.Equal(expected, Assert.Single(seen).ExpectedBucketOwner);
    }

    [Fact]
    public async Task A_bucket_with_no_expected_owner_is_refused_without_calling_S3()
    {
        // Strict mock, nothing set up: any S3 call fails the test.
        var error = await Assert.ThrowsAsync<BucketOwnerRefusedException>(() =>
            new S3ObjectOpener(_s3.Object, Owners("flow-logs@444455556666")).OpenAsync(In("look-alike-logs"), CancellationToken.None));
        Assert.Contains("'look-alike-logs' has no expected owner in FLOWLOG_EXPECTED_BUCKET_OWNER", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3_refusing_the_owner_condition_is_reported_as_an_owner_refusal()
    {
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(AccessDenied());
        var error = await Assert.ThrowsAsync<BucketOwnerRefusedException>(() =>
            new S3ObjectOpener(_s3.Object, Owners("111122223333")).OpenAsync(In("look-alike-logs"), CancellationToken.None));
        Assert.Contains("bucket 'look-alike-logs' is not owned by the expected account 111122223333", error.Message, StringComparison.Ordinal);
        Assert.Contains("403 AccessDenied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_owners_a_403_stays_an_S3_error()
    {
        _s3.Setup(s => s.GetObjectAsync(It.IsAny<GetObjectRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(AccessDenied());
        await Assert.ThrowsAsync<AmazonS3Exception>(() => new S3ObjectOpener(_s3.Object).OpenAsync(In("flow-logs"), CancellationToken.None));
    }
}
