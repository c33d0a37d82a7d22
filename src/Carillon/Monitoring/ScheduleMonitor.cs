using Carillon.Kafka;
using Carillon.Monitoring.Following;
using Carillon.Recurring.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Carillon.Monitoring;

/// <summary>
/// The <see cref="IScheduleMonitor"/> built from Carillon's topics only (issue 10; docs/control-plane.md): one
/// <see cref="TopicFeed"/> reads the schedules, execution-log, delayed, dead-letter and recurring-messages topics into
/// their followers, and each read assembles the view from them; every record bumps the change number readers can await. Standby count comes from the schedules group's members.
/// </summary>
internal sealed class ScheduleMonitor : IScheduleMonitor, IDisposable
{
    private static readonly TimeSpan s_groupRefresh = TimeSpan.FromSeconds(5);

    private readonly CarillonOptions _options;
    private readonly KafkaClientFactory _clients;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ScheduleFollower _schedule = new();
    private readonly RunsFollower _runs = new();
    private readonly DelayedFollower _delayed = new();
    private readonly RecurringMessagesFollower _recurringMessages = new();
    private readonly ChangeSignal _changes = new();
    private readonly TopicFeed _feed;
    private readonly Lazy<IAdminClient> _admin;
    private int _groupMembers = -1; // -1: the cluster did not tell
    private long _groupCheckedAtTicks = long.MinValue;
    private int _groupChecking;

    public ScheduleMonitor(CarillonOptions options, KafkaClientFactory clients, TimeProvider time, ILogger logger)
    {
        _options = options;
        _clients = clients;
        _time = time;
        _logger = logger;
        _admin = new Lazy<IAdminClient>(() => clients.CreateAdminClientBuilder().Build());
        _feed = new TopicFeed(clients, [options.Recurring.Topic, options.Recurring.LogsTopic, options.Delayed.Topic, options.Delayed.DeadLetterTopic, options.RecurringMessages.Topic], OnPartition, OnRecord, logger);
    }

    public Task WaitUntilCaughtUpAsync(CancellationToken cancellationToken = default) => _feed.WaitUntilCaughtUpAsync(cancellationToken);

    public long ChangeVersion => _changes.Version;

    public Task<long> WaitForChangeAsync(long knownVersion, CancellationToken cancellationToken = default) => _changes.WaitAsync(knownVersion, cancellationToken);

    public ScheduleView GetSchedule()
    {
        var model = _schedule.Read();
        var now = _time.GetUtcNow();
        var ids = new SortedSet<string>(model.Definitions.Keys, StringComparer.Ordinal);
        ids.UnionWith(model.State.Tasks.Keys);
        RefreshGroup();
        var members = Volatile.Read(ref _groupMembers) is var m && m >= 0 ? m : (int?)null;
        return new ScheduleView
        {
            AsOf = now,
            OwnerInstance = model.Owner,
            OwnerSince = model.OwnerSince,
            ScheduleVersion = model.ScheduleVersion,
            StandbyCount = members is { } count ? Math.Max(0, count - (model.Owner is null ? 0 : 1)) : null,
            Tasks = [.. ids.Select(id => Task(model, id, now))],
            RecurringMessages = _recurringMessages.Read(now),
        };
    }

    public TaskView? GetTask(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        var model = _schedule.Read();
        return model.Definitions.ContainsKey(taskId) || model.State.Tasks.ContainsKey(taskId) ? Task(model, taskId, _time.GetUtcNow()) : null;
    }

    public IReadOnlyList<RunView> GetRecentRuns(string taskId, int max = 50)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return _runs.Recent(taskId, max);
    }

    public DelayedView GetDelayed() => new() { AsOf = _time.GetUtcNow(), Partitions = _delayed.Partitions() };

    public IReadOnlyList<DeadLetterView> GetDeadLetters(int max = 100) => _delayed.DeadLetters(max);

    public void Dispose()
    {
        _feed.Dispose();
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }

    private TaskView Task(ScheduleModel model, string id, DateTimeOffset now) => TaskViews.Build(model, id, _runs.Last(id), now);

    private void OnPartition(string topic, int partition)
    {
        if (topic == _options.Delayed.Topic)
        {
            _delayed.AddPartition(partition);
            _changes.Bump();
        }
    }

    private void OnRecord(ConsumeResult<byte[]?, byte[]?> result)
    {
        var topic = result.Topic;
        var message = result.Message;
        if (topic == _options.Recurring.Topic)
        {
            _schedule.Add(result.Offset.Value, message.Headers, message.Value);
        }
        else if (topic == _options.Recurring.LogsTopic)
        {
            _runs.Add(result.Offset.Value, message.Key, message.Value);
        }
        else if (topic == _options.Delayed.Topic)
        {
            _delayed.AddDelayed(result.Partition.Value, result.Offset.Value, message.Key, message.Value, message.Headers, message.Timestamp.UtcDateTime);
        }
        else if (topic == _options.Delayed.DeadLetterTopic)
        {
            _delayed.AddDeadLetter(message.Key, message.Headers, message.Timestamp.UtcDateTime);
        }
        else if (topic == _options.RecurringMessages.Topic)
        {
            _recurringMessages.Add(result.Partition.Value, result.Offset.Value, message);
        }

        _changes.Bump();
    }

    /// <summary>Counts the schedules group's members in the background, at most every few seconds; null where the cluster cannot tell.</summary>
    private void RefreshGroup()
    {
        var checkedAt = Interlocked.Read(ref _groupCheckedAtTicks);
        if (checkedAt != long.MinValue && _time.GetUtcNow().UtcTicks - checkedAt < s_groupRefresh.Ticks
            || Interlocked.Exchange(ref _groupChecking, 1) == 1)
        {
            return;
        }

        _ = System.Threading.Tasks.Task.Run(async () =>
        {
            try
            {
                var described = await _admin.Value.DescribeConsumerGroupsAsync([_options.Recurring.Group], new Confluent.Kafka.Admin.DescribeConsumerGroupsOptions { RequestTimeout = TimeSpan.FromSeconds(5) }).ConfigureAwait(false);
                var group = described.ConsumerGroupDescriptions.FirstOrDefault();
                Volatile.Write(ref _groupMembers, group is { Error.Code: ErrorCode.NoError } ? group.Members.Count : -1);
            }
            catch (Exception e) when (e is KafkaException or Confluent.Kafka.Admin.DescribeConsumerGroupsException)
            {
                _logger.MonitorGroupUnknown(_options.Recurring.Group, e.Message);
                Volatile.Write(ref _groupMembers, -1);
            }
            finally
            {
                Interlocked.Exchange(ref _groupCheckedAtTicks, _time.GetUtcNow().UtcTicks);
                Volatile.Write(ref _groupChecking, 0);
            }
        });
    }
}
