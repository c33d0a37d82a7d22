using Carillon.CompileTime;
using Carillon.Delayed.Envelope;
using Carillon.Recurring.Scheduling;

namespace Carillon.RecurringMessages.Definitions;

/// <summary>
/// The checks a definition passes before it is written, with the rules and wording of the build (CRL001 cron, CRL003
/// task ID, CRL007 time zone; generators/Shared is compiled into this assembly): what the build rejects in an attribute,
/// the API rejects at the call, and nothing invalid is ever stored (issue 11).
/// </summary>
internal static class DefinitionRules
{
    public static void CheckName(string? name, string parameter = "name")
    {
        if (!TaskIdRules.IsValid(name))
        {
            throw new ArgumentException($"Task ID '{name}' is invalid: it must match {TaskIdRules.Pattern} (schedule names follow the task-ID rule)", parameter);
        }
    }

    public static void CheckCron(string? cron, string parameter = "cron")
    {
        if (!CronRules.TryValidate(cron, out var error))
        {
            throw new ArgumentException($"Cron expression '{cron}' {error}", parameter);
        }
    }

    public static void CheckTimeZone(string? zone, string parameter = "options")
    {
        if (zone is null || zone == "UTC")
        {
            return;
        }

        // The build's check, then the runtime's own lookup: the runtime is the final judge (CRL007 is only a warning).
        var known = TimeZoneRules.IsKnown(zone);
        if (known)
        {
            try
            {
                TimeZoneInfo.FindSystemTimeZoneById(zone);
            }
            catch (Exception e) when (CronSchedule.IsParseError(e))
            {
                known = false;
            }
        }

        if (!known)
        {
            throw new ArgumentException($"Time zone '{zone}' is not a known IANA or Windows time-zone ID", parameter);
        }
    }

    public static void CheckTarget(string? topic, IEnumerable<string> carillonTopics, string parameter = "targetTopic")
    {
        if (topic is null || !TopicNames.IsValid(topic))
        {
            throw new ArgumentException($"'{topic}' is not a valid Kafka topic name.", parameter);
        }

        if (carillonTopics.Contains(topic, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{topic}' is one of Carillon's own topics and cannot be a target.", parameter);
        }
    }

    public static void CheckHeaders(IEnumerable<KeyValuePair<string, byte[]>>? headers, string parameter = "headers")
    {
        foreach (var (name, value) in headers ?? [])
        {
            if (string.IsNullOrEmpty(name) || name.StartsWith(RecurringWire.ReservedPrefix, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Header '{name}' is empty or uses the prefix '{RecurringWire.ReservedPrefix}' reserved for Carillon.", parameter);
            }

            if (value is null)
            {
                throw new ArgumentException($"Header '{name}' has no value.", parameter);
            }
        }
    }

    public static void CheckWindow(RecurringMessageOptions options, string parameter = "options")
    {
        if (options.StartAt is { } start && options.EndAt is { } end && end < start)
        {
            throw new ArgumentException($"EndAt ({end:o}) is before StartAt ({start:o}).", parameter);
        }

        if (!Enum.IsDefined(options.MisfirePolicy))
        {
            throw new ArgumentException($"MisfirePolicy {options.MisfirePolicy} is not RunOnce or Skip.", parameter);
        }
    }
}
