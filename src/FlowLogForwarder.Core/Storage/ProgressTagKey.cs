using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FlowLogForwarder.Storage;

/// <summary>
/// The S3 tag key under which one destination records its progress on an object. Deployments that read one bucket but
/// send to different endpoints must not share progress, so the key carries a short hash of the destination endpoint
/// (never of the ingestion key: nothing visible may be derived from it), unless the operator names the key.
/// </summary>
public static class ProgressTagKey
{
    /// <summary>The un-namespaced key that versions before per-destination progress wrote. It is never read unless an
    /// operator names it explicitly: it may belong to another destination, and trusting it could skip records.</summary>
    public const string Legacy = "flowlog-forwarder-progress";

    private const int MaxLength = 128; // S3: 1-128 Unicode characters (UTF-16 code units)

    /// <summary><c>flowlog-forwarder-progress-</c> and the first 8 hex digits of SHA-256 of the normalised endpoint
    /// (scheme, host and port always explicit, path and query as given; case of scheme and host ignored).</summary>
    public static string ForEndpoint(Uri endpoint)
    {
        var normalised = endpoint.GetComponents(
            UriComponents.Scheme | UriComponents.Host | UriComponents.StrongPort | UriComponents.PathAndQuery, UriFormat.UriEscaped);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(normalised));
        return $"{Legacy}-{Convert.ToHexStringLower(hash, 0, 4)}";
    }

    /// <summary>Why <paramref name="key"/> cannot be an S3 object tag key, or null when it can: 1-128 characters of
    /// letters, numbers, spaces and <c>_ . : / = + - @</c>, not starting with the reserved <c>aws:</c>.</summary>
    public static string? Problem(string key)
    {
        if (key.Length is 0 or > MaxLength)
        {
            return $"must be 1 to {MaxLength} characters long";
        }
        if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
        {
            return "must not start with 'aws:', which AWS reserves";
        }
        foreach (var c in key)
        {
            var allowed = char.IsLetter(c) || char.IsNumber(c) || c is '_' or '.' or ':' or '/' or '=' or '+' or '-' or '@'
                || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.SpaceSeparator;
            if (!allowed)
            {
                return "may hold only letters, numbers, spaces and _ . : / = + - @";
            }
        }
        return null;
    }
}
