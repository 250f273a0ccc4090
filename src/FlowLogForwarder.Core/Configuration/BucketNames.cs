namespace FlowLogForwarder.Configuration;

/// <summary>S3 bucket naming rules, as far as settings that name buckets need them.</summary>
internal static class BucketNames
{
    /// <summary>3-63 characters of lower-case letters, digits, dots and hyphens.</summary>
    public static bool IsValid(string name) =>
        name.Length is >= 3 and <= 63 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-');
}
