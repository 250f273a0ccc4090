namespace FlowLogForwarder.Configuration;

/// <summary>
/// <c>FLOWLOG_EXPECTED_BUCKET_OWNER</c>: which AWS account must own each bucket the forwarder reads. S3's bucket owner
/// condition checks one account per request, so a list cannot mean "any of these": each entry is either a bare
/// account id, the owner of every bucket not named otherwise (at most one), or <c>bucket@account</c> for one bucket.
/// A bucket with no expected owner is never read once the setting is present.
/// </summary>
public sealed class ExpectedBucketOwners
{
    private readonly Dictionary<string, string> _byBucket;

    private ExpectedBucketOwners(string? defaultOwner, Dictionary<string, string> byBucket)
    {
        DefaultOwner = defaultOwner;
        _byBucket = byBucket;
    }

    /// <summary>The owner of buckets not named in a <c>bucket@account</c> entry; null when every bucket must be named.</summary>
    public string? DefaultOwner { get; }

    /// <summary>The account that must own <paramref name="bucket"/>, or null when none is configured for it.</summary>
    public string? OwnerOf(string bucket) => _byBucket.TryGetValue(bucket, out var owner) ? owner : DefaultOwner;

    /// <summary>Parses the setting; null when it is absent.</summary>
    /// <exception cref="ConfigurationException">An entry is not an account id or <c>bucket@account</c>, a bucket is named
    /// twice, or more than one bare account id is given.</exception>
    public static ExpectedBucketOwners? Parse(string? text, string variable)
    {
        if (text is null)
        {
            return null;
        }
        string? defaultOwner = null;
        var byBucket = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = entry.IndexOf('@', StringComparison.Ordinal);
            var account = at < 0 ? entry : entry[(at + 1)..];
            if (!IsAccountId(account))
            {
                throw new ConfigurationException(variable, $"'{entry}' is not a 12-digit AWS account id or bucket@account");
            }
            if (at < 0)
            {
                if (defaultOwner is not null)
                {
                    throw new ConfigurationException(variable,
                        "gives more than one bare account id; S3 checks one owner per request, so name the buckets of the others as bucket@account");
                }
                defaultOwner = account;
            }
            else if (!BucketNames.IsValid(entry[..at]) || !byBucket.TryAdd(entry[..at], account))
            {
                throw new ConfigurationException(variable, $"'{entry}' does not name a bucket, or names one already given");
            }
        }
        if (defaultOwner is null && byBucket.Count == 0)
        {
            throw new ConfigurationException(variable, "is set but names no account");
        }
        return new ExpectedBucketOwners(defaultOwner, byBucket);
    }

    /// <summary>The setting as given, normalised, for start-up logs (account ids are not secrets).</summary>
    public override string ToString() =>
        string.Join(',', (DefaultOwner is null ? [] : new[] { DefaultOwner }).Concat(_byBucket.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}@{p.Value}")));

    private static bool IsAccountId(string text) => text.Length == 12 && text.All(char.IsAsciiDigit);
}
