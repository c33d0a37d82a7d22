using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Carillon.Cli.Commands;

/// <summary>
/// <c>carillon schedules add|list|view|delete|enable|disable|trigger</c>: run-time recurring messages (issue 11)
/// through the public <see cref="IRecurringMessages"/> API, so the CLI rejects exactly what the API and the build reject.
/// A name the topic does not hold is refused (exit code 4) by the commands that change one, unless <c>-f</c> is given.
/// </summary>
internal static class SchedulesCommand
{
    private static readonly Option<string> s_topic = new("--recurring-topic")
    {
        Description = "The recurring-messages topic (Carillon:RecurringMessages:Topic)",
        DefaultValueFactory = _ => new RecurringMessagesOptions().Topic,
    };

    private static readonly Option<bool> s_force = new("--force", "-f") { Description = "Write even when the topic holds no schedule of that name" };

    public static Command Create()
    {
        var schedules = new Command("schedules", "Recurring messages defined at run time: at each occurrence a record is produced to a topic")
        {
            Add(), List(), View(), Delete(),
            Verb("enable", "Enable a schedule", (api, name, token) => api.EnableAsync(name, token)),
            Verb("disable", "Disable a schedule (it keeps its definition)", (api, name, token) => api.DisableAsync(name, token)),
            Verb("trigger", "Fire a schedule once now, even when disabled", (api, name, token) => api.TriggerAsync(name, token)),
        };
        return schedules;
    }

    private static Command Add()
    {
        var name = new Argument<string>("name") { Description = "Schedule name: 1 to 200 of letters, digits, '_', '.', '-'" };
        var cron = new Argument<string>("cron") { Description = "5 fields, 6 with seconds first, or a macro (@daily); quote it" };
        var topic = new Option<string>("--topic") { Description = "Topic each occurrence is produced to", Required = true };
        var key = new Option<string?>("--key") { Description = "Record key (UTF-8)" };
        var value = new Option<string?>("--value") { Description = "Record value (UTF-8)" };
        var valueFile = new Option<FileInfo?>("--value-file") { Description = "Record value: the file's bytes" };
        var headers = new Option<string[]>("--header") { Description = "Record header name=value (repeatable)", AllowMultipleArgumentsPerToken = false };
        var zone = new Option<string?>("--time-zone") { Description = "IANA or Windows time-zone ID (default UTC)" };
        var disabled = new Option<bool>("--disabled") { Description = "Create it disabled" };
        var skip = new Option<bool>("--skip-misfires") { Description = "Skip occurrences missed while no instance ran (default: fire the latest once)" };
        var description = new Option<string?>("--description") { Description = "Free text" };
        var add = new Command("add", "Create or replace a schedule") { name, cron, topic, key, value, valueFile, headers, zone, disabled, skip, description, s_topic };
        CliAction.Set(add, async (options, parse, cancellationToken) =>
        {
            if (parse.GetValue(value) is not null && parse.GetValue(valueFile) is not null)
            {
                throw new CliException("--value and --value-file cannot be used together", CliExitCodes.Usage);
            }

            var bytes = parse.GetValue(valueFile) is { } file ? await File.ReadAllBytesAsync(file.FullName, cancellationToken) : Utf8(parse.GetValue(value));
            var headerList = new List<KeyValuePair<string, byte[]>>();
            foreach (var header in parse.GetValue(headers) ?? [])
            {
                var split = header.IndexOf('=', StringComparison.Ordinal);
                if (split <= 0)
                {
                    throw new CliException($"--header '{header}': expected name=value", CliExitCodes.Usage);
                }

                headerList.Add(new(header[..split], Encoding.UTF8.GetBytes(header[(split + 1)..])));
            }

            using var deadline = CliAction.Deadline(parse, cancellationToken);
            using var api = Open(options, parse);
            await api.Value.AddOrUpdateAsync(
                parse.GetValue(name)!,
                parse.GetValue(cron)!,
                parse.GetValue(topic)!,
                Utf8(parse.GetValue(key)),
                bytes,
                headerList,
                new RecurringMessageOptions
                {
                    TimeZone = parse.GetValue(zone),
                    Enabled = !parse.GetValue(disabled),
                    MisfirePolicy = parse.GetValue(skip) ? MisfirePolicy.Skip : MisfirePolicy.RunOnce,
                    Description = parse.GetValue(description),
                },
                deadline.Token);
            Console.Out.WriteLine($"saved {parse.GetValue(name)}");
            return CliExitCodes.Ok;
        });
        return add;
    }

    private static Command List()
    {
        var names = new Option<bool>("--names") { Description = "Print names only, one per line" };
        var json = new Option<bool>("--json") { Description = "Print a JSON array" };
        var list = new Command("list", "List the schedules with their state") { names, json, s_topic };
        CliAction.Set(list, async (options, parse, cancellationToken) =>
        {
            using var deadline = CliAction.Deadline(parse, cancellationToken);
            using var api = Open(options, parse);
            var all = await api.Value.ListAsync(deadline.Token);
            if (parse.GetValue(json))
            {
                WriteJson(writer =>
                {
                    writer.WriteStartArray();
                    foreach (var schedule in all)
                    {
                        Write(writer, schedule);
                    }

                    writer.WriteEndArray();
                });
            }
            else if (parse.GetValue(names))
            {
                foreach (var schedule in all)
                {
                    Console.Out.WriteLine(schedule.Name);
                }
            }
            else
            {
                Console.Out.WriteLine($"{"NAME",-32} {"CRON",-16} {"ZONE",-16} {"ENABLED",-7} {"NEXT",-25} TOPIC");
                foreach (var s in all)
                {
                    Console.Out.WriteLine($"{s.Name,-32} {Printable(s.Cron),-16} {Printable(s.TimeZone ?? "UTC"),-16} {(s.Enabled ? "yes" : "no"),-7} {Time(s.NextOccurrence),-25} {Printable(s.TargetTopic)}");
                }
            }

            return CliExitCodes.Ok;
        });
        return list;
    }

    private static Command View()
    {
        var name = new Argument<string>("name");
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var view = new Command("view", "Show one schedule") { name, json, s_topic };
        CliAction.Set(view, async (options, parse, cancellationToken) =>
        {
            using var deadline = CliAction.Deadline(parse, cancellationToken);
            using var api = Open(options, parse);
            var s = await api.Value.GetAsync(parse.GetValue(name)!, deadline.Token)
                ?? throw new CliException($"no schedule named '{parse.GetValue(name)}'", CliExitCodes.UnknownTask);
            if (parse.GetValue(json))
            {
                WriteJson(writer => Write(writer, s));
                return CliExitCodes.Ok;
            }

            Console.Out.WriteLine($"Name:        {s.Name}");
            Console.Out.WriteLine($"Cron:        {Printable(s.Cron)} ({Printable(s.TimeZone ?? "UTC")})");
            Console.Out.WriteLine($"Enabled:     {(s.Enabled ? "yes" : "no")}");
            Console.Out.WriteLine($"Misfires:    {s.MisfirePolicy}");
            Console.Out.WriteLine($"Topic:       {Printable(s.TargetTopic)}");
            Console.Out.WriteLine($"Key:         {Show(s.Key)}");
            Console.Out.WriteLine($"Value:       {Show(s.Value)}");
            foreach (var (header, bytes) in s.Headers)
            {
                Console.Out.WriteLine($"Header:      {Printable(header)}={Show(bytes)}");
            }

            Console.Out.WriteLine($"Start/end:   {Time(s.StartAt)} / {Time(s.EndAt)}");
            Console.Out.WriteLine($"Last:        {Time(s.LastOccurrence)}");
            Console.Out.WriteLine($"Next:        {Time(s.NextOccurrence)}");
            Console.Out.WriteLine($"Description: {Printable(s.Description ?? "-")}");
            return CliExitCodes.Ok;
        });
        return view;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var delete = new Command("delete", "Remove a schedule: it never fires again once its owner reads the removal") { name, s_force, s_topic };
        CliAction.Set(delete, async (options, parse, cancellationToken) =>
        {
            using var deadline = CliAction.Deadline(parse, cancellationToken);
            using var api = Open(options, parse);
            await RequireKnownAsync(api.Value, parse, parse.GetValue(name)!, deadline.Token);
            await api.Value.RemoveAsync(parse.GetValue(name)!, deadline.Token);
            Console.Out.WriteLine($"deleted {parse.GetValue(name)}");
            return CliExitCodes.Ok;
        });
        return delete;
    }

    private static Command Verb(string verbName, string description, Func<IRecurringMessages, string, CancellationToken, Task> write)
    {
        var name = new Argument<string>("name");
        var verb = new Command(verbName, description) { name, s_force, s_topic };
        CliAction.Set(verb, async (options, parse, cancellationToken) =>
        {
            using var deadline = CliAction.Deadline(parse, cancellationToken);
            using var api = Open(options, parse);
            await RequireKnownAsync(api.Value, parse, parse.GetValue(name)!, deadline.Token);
            await write(api.Value, parse.GetValue(name)!, deadline.Token);
            Console.Out.WriteLine($"{verbName} {parse.GetValue(name)}: written");
            return CliExitCodes.Ok;
        });
        return verb;
    }

    private static async Task RequireKnownAsync(IRecurringMessages api, ParseResult parse, string name, CancellationToken cancellationToken)
    {
        if (!parse.GetValue(s_force) && await api.GetAsync(name, cancellationToken) is null)
        {
            throw new CliException($"no schedule named '{name}'; nothing written. Use -f to write anyway.", CliExitCodes.UnknownTask);
        }
    }

    private static Api Open(CarillonOptions options, ParseResult parse)
    {
        options.ProvisionTopics = false;
        options.RecurringMessages.Topic = parse.GetValue(s_topic)!;
        return new Api(CarillonStandalone.CreateRecurringMessages(options, CliClients.Loggers));
    }

    private static void Write(Utf8JsonWriter writer, RecurringMessage s)
    {
        writer.WriteStartObject();
        writer.WriteString("name", s.Name);
        writer.WriteString("cron", s.Cron);
        writer.WriteString("timeZone", s.TimeZone ?? "UTC");
        writer.WriteString("topic", s.TargetTopic);
        writer.WriteString("key", s.Key is null ? null : Convert.ToBase64String(s.Key));
        writer.WriteString("value", s.Value is null ? null : Convert.ToBase64String(s.Value));
        writer.WriteStartObject("headers");
        foreach (var (header, bytes) in s.Headers)
        {
            writer.WriteString(header, Convert.ToBase64String(bytes));
        }

        writer.WriteEndObject();
        writer.WriteBoolean("enabled", s.Enabled);
        writer.WriteString("misfirePolicy", s.MisfirePolicy.ToString());
        WriteTime(writer, "startAt", s.StartAt);
        WriteTime(writer, "endAt", s.EndAt);
        writer.WriteString("description", s.Description);
        WriteTime(writer, "lastOccurrence", s.LastOccurrence);
        WriteTime(writer, "nextOccurrence", s.NextOccurrence);
        writer.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter writer, string property, DateTimeOffset? at)
    {
        if (at is { } value)
        {
            writer.WriteString(property, value);
        }
        else
        {
            writer.WriteNull(property);
        }
    }

    private static void WriteJson(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            write(writer);
        }

        Console.Out.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static string Time(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture) ?? "-";

    private static byte[]? Utf8(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);

    // Bytes read from Kafka: shown as text only when they are printable UTF-8, else as base64.
    private static string Show(byte[]? bytes)
    {
        if (bytes is null)
        {
            return "-";
        }

        try
        {
            var text = new UTF8Encoding(false, true).GetString(bytes);
            return text.Any(char.IsControl) ? "base64:" + Convert.ToBase64String(bytes) : text;
        }
        catch (DecoderFallbackException)
        {
            return "base64:" + Convert.ToBase64String(bytes);
        }
    }

    private static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private readonly record struct Api(IRecurringMessages Value) : IDisposable
    {
        public void Dispose() => (Value as IDisposable)?.Dispose();
    }
}
