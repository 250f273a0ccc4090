using Amazon.S3;
using Amazon.S3.Model;
using FlowLogForwarder.Configuration;
using FlowLogForwarder.Events;
using FlowLogForwarder.Storage;
using Moq;

namespace FlowLogForwarder.Tests.Storage;

/// <summary>Progress tags against an in-memory tag set behind the S3 client (the true seam); moto covers the real server.</summary>
public class S3ProgressTagsTests
{
    private const string TagA = "flowlog-forwarder-progress-aaaaaaaa";
    private const string TagB = "flowlog-forwarder-progress-bbbbbbbb";
    private static readonly ObjectReference Object = new("flow-logs", "AWSLogs/x.log.gz", 10, "e1", null, null);

    private readonly Mock<IAmazonS3> _s3 = new(MockBehavior.Strict);
    private readonly List<GetObjectTaggingRequest> _gets = [];
    private readonly List<PutObjectTaggingRequest> _puts = [];
    private List<Tag> _tags = [];

    public S3ProgressTagsTests()
    {
        _s3.Setup(s => s.GetObjectTaggingAsync(It.IsAny<GetObjectTaggingRequest>(), It.IsAny<CancellationToken>()))
            .Callback<GetObjectTaggingRequest, CancellationToken>((r, _) => _gets.Add(r))
            .ReturnsAsync(() => new GetObjectTaggingResponse { Tagging = [.. _tags.Select(t => new Tag { Key = t.Key, Value = t.Value })] });
        _s3.Setup(s => s.PutObjectTaggingAsync(It.IsAny<PutObjectTaggingRequest>(), It.IsAny<CancellationToken>()))
            .Callback<PutObjectTaggingRequest, CancellationToken>((r, _) =>
            {
                _puts.Add(r);
                _tags = r.Tagging.TagSet;
            })
            .ReturnsAsync(new PutObjectTaggingResponse());
    }

    [Fact]
    public async Task Two_destinations_keep_their_own_progress_on_one_object()
    {
        var a = new S3ProgressTags(_s3.Object, TagA);
        var b = new S3ProgressTags(_s3.Object, TagB);

        Assert.Null(await a.WriteAsync(Object, null, new ProgressMark("e1", 0, Done: true), CancellationToken.None));
        Assert.Null(await b.ReadAsync(Object, null, CancellationToken.None)); // A being done says nothing about B
        Assert.Null(await b.WriteAsync(Object, null, new ProgressMark("e1", 3001, Done: false), CancellationToken.None));

        Assert.Equal(new ProgressMark("e1", 0, Done: true), await a.ReadAsync(Object, null, CancellationToken.None));
        Assert.Equal(new ProgressMark("e1", 3001, Done: false), await b.ReadAsync(Object, null, CancellationToken.None));
        Assert.Equal(["e1/done", "e1/3001"], _tags.Select(t => t.Value));
    }

    [Fact]
    public async Task A_legacy_tag_is_neither_trusted_nor_removed()
    {
        _tags = [new Tag { Key = ProgressTagKey.Legacy, Value = "e1/done" }, new Tag { Key = "team", Value = "netsec" }];
        var tags = new S3ProgressTags(_s3.Object, TagA);

        Assert.Null(await tags.ReadAsync(Object, null, CancellationToken.None)); // it may be another destination's
        await tags.WriteAsync(Object, null, new ProgressMark("e1", 5, Done: false), CancellationToken.None);

        Assert.Equal([ProgressTagKey.Legacy, "team", TagA], _tags.Select(t => t.Key));
    }

    [Fact]
    public async Task The_legacy_tag_is_used_when_named_explicitly()
    {
        _tags = [new Tag { Key = ProgressTagKey.Legacy, Value = "e1/42" }];
        Assert.Equal(new ProgressMark("e1", 42, Done: false), await new S3ProgressTags(_s3.Object, ProgressTagKey.Legacy).ReadAsync(Object, null, CancellationToken.None));
    }

    [Fact]
    public async Task With_ten_other_tags_there_is_no_room_and_the_reason_names_the_key()
    {
        _tags = [.. Enumerable.Range(0, 10).Select(i => new Tag { Key = $"k{i}", Value = "v" })];
        var reason = await new S3ProgressTags(_s3.Object, TagA).WriteAsync(Object, null, new ProgressMark("e1", 0, Done: true), CancellationToken.None);
        Assert.Contains(TagA, reason, StringComparison.Ordinal);
        Assert.Empty(_puts);
    }

    [Fact]
    public async Task Every_tag_call_carries_the_expected_bucket_owner()
    {
        var owners = ExpectedBucketOwners.Parse("flow-logs@111122223333,999988887777", "FLOWLOG_EXPECTED_BUCKET_OWNER");
        var tags = new S3ProgressTags(_s3.Object, TagA, owners);

        await tags.ReadAsync(Object, null, CancellationToken.None);
        await tags.WriteAsync(Object, null, new ProgressMark("e1", 0, Done: true), CancellationToken.None);

        Assert.Equal(2, _gets.Count); // the write reads the other tags first
        Assert.All(_gets, r => Assert.Equal("111122223333", r.ExpectedBucketOwner));
        Assert.Equal("111122223333", Assert.Single(_puts).ExpectedBucketOwner);
    }

    [Fact]
    public async Task Without_owners_no_condition_is_sent()
    {
        await new S3ProgressTags(_s3.Object, TagA).ReadAsync(Object, null, CancellationToken.None);
        Assert.Null(Assert.Single(_gets).ExpectedBucketOwner);
    }

    [Fact]
    public void A_key_S3_would_refuse_is_refused_at_construction() =>
        Assert.Throws<ArgumentException>(() => new S3ProgressTags(_s3.Object, "aws:progress"));
}
