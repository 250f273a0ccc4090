namespace FlowLogForwarder.Cli.Backfill;

/// <summary>An <c>s3://bucket/prefix</c> location: the bucket and the key prefix under which objects are listed.</summary>
internal sealed record S3Prefix(string Bucket, string Prefix)
{
    /// <summary>Parses <paramref name="text"/>; null with <paramref name="error"/> set when it is not an s3:// URL with a bucket.</summary>
    public static S3Prefix? TryParse(string text, out string? error)
    {
        error = null;
        if (!text.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{text}' is not an s3://bucket/prefix location";
            return null;
        }
        var rest = text["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        // Legacy us-east-1 names (created before March 2018) may hold capitals and underscores and run to 255 characters;
        // S3 itself rejects a name it does not hold, so only what cannot be a bucket name at all is refused here.
        if (bucket.Length is < 3 or > 255 || !bucket.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            error = $"'{bucket}' in '{text}' is not a bucket name";
            return null;
        }
        return new S3Prefix(bucket, slash < 0 ? "" : rest[(slash + 1)..]);
    }

    /// <inheritdoc/>
    public override string ToString() => $"s3://{Bucket}/{Prefix}";
}
