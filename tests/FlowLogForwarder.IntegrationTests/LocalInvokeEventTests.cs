using FlowLogForwarder.TestSupport;
using System.Security.Cryptography;
using System.Text.Json;

namespace FlowLogForwarder.IntegrationTests;

/// <summary>
/// The sample events for <c>sam local invoke -e</c> work against a real bucket as the README says: each names the
/// placeholder bucket and the bundled sample's key, with the sample's real size and ETag and no version id, so
/// after uploading the sample and substituting the bucket the function reads exactly that object.
/// </summary>
public sealed class LocalInvokeEventTests
{
    private const string Placeholder = "your-flow-log-bucket";

    // Every S3 object reference in an event, unwrapping SQS bodies and SNS messages (JSON inside strings).
    private static IEnumerable<(string Bucket, JsonElement Object)> References(JsonElement node)
    {
        if (node.ValueKind == JsonValueKind.String && node.GetString() is { } text && text.StartsWith('{'))
        {
            using var inner = JsonDocument.Parse(text);
            foreach (var reference in References(inner.RootElement.Clone()))
            {
                yield return reference;
            }
        }
        else if (node.ValueKind == JsonValueKind.Object)
        {
            if (node.TryGetProperty("bucket", out var bucket) && node.TryGetProperty("object", out var obj))
            {
                yield return (bucket.GetProperty("name").GetString()!, obj);
            }
            foreach (var property in node.EnumerateObject())
            {
                foreach (var reference in References(property.Value))
                {
                    yield return reference;
                }
            }
        }
        else if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var reference in node.EnumerateArray().SelectMany(References))
            {
                yield return reference;
            }
        }
    }

    [Theory]
    [InlineData("s3-put.json", 1)]
    [InlineData("sns.json", 1)]
    [InlineData("sqs.json", 2)]
    [InlineData("eventbridge.json", 1)]
    public void Each_event_names_the_placeholder_bucket_and_the_bundled_sample_as_uploaded(string file, int objects)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "events", file));
        using var json = JsonDocument.Parse(text);
        var references = References(json.RootElement).ToList();
        Assert.Equal(objects, references.Count);
        foreach (var (bucket, obj) in references)
        {
            Assert.Equal(Placeholder, bucket);
            var key = obj.GetProperty("key").GetString()!;
            var sample = Path.Combine(RepoPaths.Root, "tests", "samples", key[(key.LastIndexOf('/') + 1)..]);
            Assert.True(File.Exists(sample), $"{file}: {key} is not a bundled sample");
            Assert.Equal(new FileInfo(sample).Length, obj.GetProperty("size").GetInt64());
            var etag = obj.TryGetProperty("eTag", out var e) ? e : obj.GetProperty("etag");
            // A single-part upload with SSE-S3 has the MD5 of its bytes as its ETag (S3's choice of hash, not a security use).
#pragma warning disable CA5351
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(sample))), etag.GetString());
#pragma warning restore CA5351
            Assert.False(obj.TryGetProperty("versionId", out _) || obj.TryGetProperty("version-id", out _), $"{file}: a version id no upload of yours will have");
        }
        // Everything else that names the bucket (ARNs, EventBridge resources) names the placeholder too.
        Assert.DoesNotContain("flowlog-forwarder\"", text.Replace("flowlog-forwarder-IngestQueue", "", StringComparison.Ordinal).Replace("\"configurationId\": \"flowlog-forwarder\"", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_file_sets_only_what_the_template_declares()
    {
        var template = File.ReadAllText(Path.Combine(RepoPaths.Root, "template.yaml"));
        using var env = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "events", "env.json")));
        // sam local invoke applies env.json only to variables the function declares: anything else would be ignored.
        foreach (var variable in env.RootElement.GetProperty("ForwarderFunction").EnumerateObject())
        {
            Assert.Contains($"          {variable.Name}: ", template, StringComparison.Ordinal);
        }
    }
}
