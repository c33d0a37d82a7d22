using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Carillon.Kafka.Health;

/// <summary>
/// Reads librdkafka's statistics JSON (STATISTICS.md) for the one fact connectivity needs: is any real broker
/// (<c>source</c> <c>configured</c> or <c>learned</c>; the <c>internal</c> and <c>logical</c> ones are not connections)
/// in state <c>UP</c>. librdkafka reports a broken connection through its error callback but never reports one that
/// works again; the statistics are the cheap, per-client sign of success.
/// </summary>
internal static class BrokerStatistics
{
    public static bool AnyBrokerUp(string json)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, buffer);
            return AnyBrokerUp(buffer.AsSpan(0, length));
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool AnyBrokerUp(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isBrokers = reader.ValueTextEquals("brokers"u8);
            reader.Read();
            if (isBrokers && reader.TokenType == JsonTokenType.StartObject)
            {
                return ScanBrokers(ref reader);
            }

            reader.Skip();
        }

        return false;
    }

    private static bool ScanBrokers(ref Utf8JsonReader reader)
    {
        // { "<name>": { "source": "...", "state": "...", <nested objects> }, ... }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            var real = false;
            var up = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isSource = reader.ValueTextEquals("source"u8);
                var isState = reader.ValueTextEquals("state"u8);
                reader.Read();
                if (isSource && reader.TokenType == JsonTokenType.String)
                {
                    real = reader.ValueTextEquals("configured"u8) || reader.ValueTextEquals("learned"u8);
                }
                else if (isState && reader.TokenType == JsonTokenType.String)
                {
                    up = reader.ValueTextEquals("UP"u8);
                }
                else
                {
                    reader.Skip();
                }
            }

            if (real && up)
            {
                return true;
            }
        }

        return false;
    }
}
