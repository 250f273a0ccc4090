using System.Buffers;
using System.Text;

namespace FlowLogForwarder.Delivery;

/// <summary>
/// Reads the start of an error response's body for the log: a bounded number of bytes, decoded leniently as UTF-8
/// whatever charset the response claims, control characters flattened. Never throws for what the server sent.
/// </summary>
public static class ErrorBodyReader
{
    /// <summary>Most bytes read from a body; the rest is never read (the connection is dropped instead).</summary>
    public const int MaxBytes = 4096;

    /// <summary>Most characters kept for the summary and the log.</summary>
    public const int MaxChars = 300;

    // Invalid sequences become U+FFFD instead of throwing.
    private static readonly UTF8Encoding Lenient = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Reads up to <see cref="MaxBytes"/> of <paramref name="content"/>; cancelled or broken reads give what arrived.</summary>
    public static async Task<string> ReadAsync(HttpContent content, SecretRedactor redactor, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes);
        var length = 0;
        var complete = false;
        string? problem = null;
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (length < MaxBytes)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(length, MaxBytes - length), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        complete = true;
                        break;
                    }
                    length += read;
                }
            }
        }
        catch (OperationCanceledException)
        {
            problem = "(the body did not arrive within the attempt timeout)";
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException)
        {
            problem = "(the body could not be read)";
        }
        try
        {
            return Describe(buffer.AsSpan(0, length), complete, problem, redactor);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Turns raw body bytes into one short, printable, redacted line.</summary>
    public static string Describe(ReadOnlySpan<byte> body, bool complete, string? problem, SecretRedactor redactor)
    {
        var text = Lenient.GetString(body);
        var flat = string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        }).Trim();
        // Redact before shortening, so the cut can never leave part of the key behind; a body cut at MaxBytes may end
        // in part of the key, which Redact also masks.
        flat = redactor.Redact(flat, truncated: !complete);
        if (flat.Length > MaxChars)
        {
            flat = string.Concat(flat.AsSpan(0, MaxChars), "...");
        }
        else if (!complete && flat.Length > 0)
        {
            flat += "...";
        }
        return problem is null ? flat : flat.Length == 0 ? problem : $"{flat} {problem}";
    }
}
