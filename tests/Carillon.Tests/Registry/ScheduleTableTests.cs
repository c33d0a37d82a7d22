namespace Carillon.Tests.Registry;

/// <summary>Issue 14: the descriptor table of generated registries is decoded by the runtime, once, not by generated code.</summary>
public sealed class ScheduleTableTests
{
    // "a.run", "*/5 * * * *", "Europe/Paris", "1.0.0", "Shop.Jobs", "Run", "Jobs:A", "b.tick", "Shop.Clock", "Tick"
    private const string Strings = "a.run*/5 * * * *Europe/Paris1.0.0Shop.JobsRunJobs:Ab.tickShop.ClockTick";
    private static readonly int[] Ends = [5, 16, 28, 33, 42, 45, 51, 57, 67, 71];

    private static readonly int[] Rows =
    [
        0, 1, 2, 1, 60, 0, 1, 1, 3, 4, 5, 0, 6,
        7, 1, -1, 0, 0, 1, 0, 0, 3, 8, 9, -1, -1,
    ];

    [Fact]
    public void Each_row_becomes_a_descriptor_with_every_value_of_the_row()
    {
        var tasks = ScheduleTable.Read(Strings, Ends, Rows, [typeof(ShopJobs)], (_, _, _, _) => default);

        Assert.Collection(
            tasks,
            a =>
            {
                Assert.Equal(("a.run", "*/5 * * * *", "Europe/Paris", true, TimeSpan.FromSeconds(60)), (a.Id, a.Cron, a.TimeZone, a.AllowOverlap, a.Timeout));
                Assert.Equal((false, true, MisfirePolicy.Skip, "1.0.0"), (a.Exclusive, a.Enabled, a.Misfire, a.Version));
                Assert.Equal(("Shop.Jobs", "Run", typeof(ShopJobs), "Jobs:A"), (a.DeclaringType, a.MethodName, a.ServiceType, a.ConfigurationKey));
            },
            b =>
            {
                Assert.Equal(("b.tick", "*/5 * * * *", "UTC", false, null), (b.Id, b.Cron, b.TimeZone, b.AllowOverlap, b.Timeout));
                Assert.Equal((true, false, MisfirePolicy.RunOnce), (b.Exclusive, b.Enabled, b.Misfire));
                Assert.Equal(("Shop.Clock", "Tick", null, null), (b.DeclaringType, b.MethodName, b.ServiceType, b.ConfigurationKey));
            });
    }

    [Fact]
    public async Task Each_descriptor_dispatches_its_own_index()
    {
        var dispatched = new List<int>();
        var tasks = ScheduleTable.Read(Strings, Ends, Rows, [typeof(ShopJobs)], (index, _, _, _) =>
        {
            dispatched.Add(index);
            return default;
        });

        await tasks[1].InvokeAsync(EmptyServices.Instance, CancellationToken.None);
        await tasks[0].InvokeAsync(EmptyServices.Instance, CancellationToken.None);

        Assert.Equal([1, 0], dispatched);
    }

    [Fact]
    public void Rows_that_are_not_a_whole_number_of_rows_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => ScheduleTable.Read(Strings, Ends, Rows.AsSpan(0, 20), [typeof(ShopJobs)], (_, _, _, _) => default));

        Assert.Equal("rows", error.ParamName);
    }

    /// <summary>A declaring type.</summary>
    public sealed class ShopJobs
    {
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
