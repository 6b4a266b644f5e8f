namespace Rhythmic.Core.Events;

/// <summary>The four Kafka topics the simulator writes and every layer reads (design.md §2).</summary>
public static class Topics
{
    public const string Listen = "listen_events";
    public const string PageView = "page_view_events";
    public const string Auth = "auth_events";
    public const string StatusChange = "status_change_events";

    public static readonly IReadOnlyList<string> All = [Listen, PageView, Auth, StatusChange];
}
