namespace Carillon.Dashboard.Hosting;

/// <summary>Registered by <c>AddCarillonDashboard</c>, so mapping without it fails with a message saying what to call.</summary>
internal sealed class DashboardMarker;
