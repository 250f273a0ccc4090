using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlowLogForwarder.Cli;

/// <summary>
/// The cheapest possible HTTP/1.1 endpoint on 127.0.0.1 for throughput runs: it reads each request body, counts it,
/// and answers 200 with keep-alive, so the measurement is of the forwarder, not of a JSON-parsing receiver. With a
/// <see cref="LinkThrottle"/> it reads no faster than the link's rate, so the sender meets a real network's limit.
/// </summary>
internal sealed class CountingHttpSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private readonly LinkThrottle? _link;
    private long _requests;
    private long _bodyBytes;

    public CountingHttpSink(LinkThrottle? link = null)
    {
        _link = link;
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/logs/json");
        _accepting = AcceptAsync();
    }

    public Uri Endpoint { get; }

    public long Requests => Interlocked.Read(ref _requests);

    public long BodyBytes => Interlocked.Read(ref _bodyBytes);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }
        await Task.WhenAll(connections).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            if (_link is not null)
            {
                // Bounds what the kernel takes in ahead of the throttled reads, so the sender feels the limit at once.
                socket.ReceiveBufferSize = LinkThrottle.BurstBytes;
            }
            lock (_connections)
            {
                _connections.Add(ServeAsync(socket));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        var ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray();
        try
        {
            int start = 0, end = 0;
            while (!_stop.IsCancellationRequested)
            {
                // Read until the end of the headers.
                int headerEnd;
                while ((headerEnd = buffer.AsSpan(start, end - start).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    if (start > 0)
                    {
                        buffer.AsSpan(start, end - start).CopyTo(buffer);
                        end -= start;
                        start = 0;
                    }
                    var read = await ReceiveAsync(socket, buffer.AsMemory(end)).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }
                    end += read;
                }
                var length = ContentLength(buffer.AsSpan(start, headerEnd));
                start += headerEnd + 4;
                long remaining = length;
                var buffered = Math.Min(remaining, end - start);
                start += (int)buffered;
                remaining -= buffered;
                while (remaining > 0)
                {
                    var read = await ReceiveAsync(socket, buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining))).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }
                    remaining -= read;
                    start = end = 0;
                }
                Interlocked.Increment(ref _requests);
                Interlocked.Add(ref _bodyBytes, length);
                await socket.SendAsync(ok, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            // The run is over or the client went away.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Every byte read crosses the link, headers included; a throttled read takes at most one burst.
    private async ValueTask<int> ReceiveAsync(Socket socket, Memory<byte> into)
    {
        if (_link is null)
        {
            return await socket.ReceiveAsync(into, _stop.Token).ConfigureAwait(false);
        }
        var read = await socket.ReceiveAsync(into[..Math.Min(into.Length, LinkThrottle.BurstBytes)], _stop.Token).ConfigureAwait(false);
        await _link.WaitAsync(read, _stop.Token).ConfigureAwait(false);
        return read;
    }

    private static long ContentLength(ReadOnlySpan<byte> headers)
    {
        foreach (var range in headers.Split("\r\n"u8))
        {
            var line = Encoding.ASCII.GetString(headers[range]);
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return long.Parse(line.AsSpan("Content-Length:".Length).Trim(), CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }
}
