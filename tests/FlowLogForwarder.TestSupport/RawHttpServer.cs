using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlowLogForwarder.TestSupport;

/// <summary>
/// A bare HTTP/1.1 server on 127.0.0.1 that answers each request with whatever status line and headers a test
/// chooses, including ones a well-behaved framework would never send (1xx as a final answer, odd 3xx, 6xx).
/// It reads the request whole (headers and Content-Length body) and keeps connections alive.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, (string Response, bool Close)> _respond;
    private readonly Task _accepting;
    private int _requests;

    /// <summary>Starts a server whose answer to each request (given its request line) is the raw response, after which
    /// the connection is closed when asked. Requests may be up to 64 KiB.</summary>
    public RawHttpServer(Func<string, (string Response, bool Close)> respond)
    {
        _respond = respond;
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/logs/json");
        _accepting = AcceptAsync();
    }

    /// <summary>The URL to post to.</summary>
    public Uri Endpoint { get; }

    /// <summary>Requests read so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Stops listening and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            connections.Add(ServeAsync(client));
        }
        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new byte[64 * 1024];
            var filled = 0;
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    int headEnd;
                    while ((headEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                    {
                        var read = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }
                        filled += read;
                    }
                    var head = Encoding.ASCII.GetString(buffer, 0, headEnd);
                    var length = head.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                        .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                    var total = headEnd + 4 + length;
                    while (filled < total)
                    {
                        var read = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }
                        filled += read;
                    }
                    Buffer.BlockCopy(buffer, total, buffer, 0, filled - total);
                    filled -= total;
                    Interlocked.Increment(ref _requests);
                    var (response, close) = _respond(head[..head.IndexOf("\r\n", StringComparison.Ordinal)]);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
                    if (close)
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
                // The client closed the connection, or the server is stopping.
            }
        }
    }
}
