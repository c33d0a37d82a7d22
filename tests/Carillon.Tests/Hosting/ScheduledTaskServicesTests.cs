using Microsoft.Extensions.DependencyInjection;

namespace Carillon.Tests.Hosting;

/// <summary>
/// Issue 14: the runtime registers each instance task's declaring type from the registry's descriptors (the generated
/// code has no statement per type), scoped so that each run gets and disposes its own instance.
/// </summary>
public sealed class ScheduledTaskServicesTests
{
    [Fact]
    public void AddCarillon_registers_the_declaring_type_of_each_instance_task_as_scoped()
    {
        var services = new ServiceCollection();

        services.AddCarillon(Registry(Task("billing.charge", typeof(BillingJobs)), Task("static.tick", serviceType: null)));

        var registration = Assert.Single(services, d => d.ServiceType == typeof(BillingJobs));
        Assert.Equal(ServiceLifetime.Scoped, registration.Lifetime);
        Assert.Equal(typeof(BillingJobs), registration.ImplementationType);
    }

    [Fact]
    public void A_declaring_type_the_application_registered_keeps_its_registration()
    {
        var services = new ServiceCollection();
        var own = new BillingJobs();
        services.AddSingleton(own);

        services.AddCarillon(Registry(Task("billing.charge", typeof(BillingJobs))));

        var registration = Assert.Single(services, d => d.ServiceType == typeof(BillingJobs));
        Assert.Same(own, registration.ImplementationInstance);
    }

    [Fact]
    public void A_type_declaring_several_tasks_is_registered_once()
    {
        var services = new ServiceCollection();

        services.AddScheduledTaskServices(Registry(Task("billing.charge", typeof(BillingJobs)), Task("billing.refund", typeof(BillingJobs))));

        Assert.Single(services, d => d.ServiceType == typeof(BillingJobs));
    }

    private static ScheduleRegistry Registry(params ScheduledTaskDescriptor[] tasks) => new("1.0.0", tasks);

    private static ScheduledTaskDescriptor Task(string id, Type? serviceType)
        => new(id, "0 2 * * *", null, false, 0, true, true, MisfirePolicy.RunOnce, "1.0.0", "BillingJobs", "Run", (_, _, _) => ValueTask.CompletedTask)
        {
            ServiceType = serviceType,
        };

    /// <summary>A declaring type.</summary>
    public sealed class BillingJobs
    {
    }
}
