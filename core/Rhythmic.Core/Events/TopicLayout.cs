namespace Rhythmic.Core.Events;

/// <summary>
/// Which fields a topic carries and requires, as bit masks over <see cref="EventFieldId"/>, built once from
/// <see cref="EventSchema"/>: the table both parsers (core's general one and the speed layer's fast path) look fields up in.
/// </summary>
public sealed class TopicLayout
{
    /// <summary>How many topics there are.</summary>
    public const int Count = 4;
    /// <summary>The <see cref="Index"/> of page views and of auth events (which have no auth field: their login's success stands for it).</summary>
    public const int PageViewIndex = 1, AuthIndex = 2;

    private static readonly TopicLayout Listen = Build(Topics.Listen, 0), PageView = Build(Topics.PageView, PageViewIndex),
        Auth = Build(Topics.Auth, AuthIndex), StatusChange = Build(Topics.StatusChange, 3);

    /// <summary>The topic (one of <see cref="Topics"/>, the constant itself).</summary>
    public required string Topic { get; init; }
    /// <summary>0 to <see cref="Count"/> - 1: the topic's slot in per-topic tables.</summary>
    public int Index { get; init; }
    /// <summary>The fields the topic carries: bit <c>(int)id</c> for each.</summary>
    public int Allowed { get; init; }
    /// <summary>The fields every event of the topic carries.</summary>
    public int Required { get; init; }

    /// <summary>The layout of <paramref name="topic"/>; null for an unknown topic.</summary>
    public static TopicLayout? Of(string topic) => topic switch
    {
        Topics.Listen => Listen,
        Topics.PageView => PageView,
        Topics.Auth => Auth,
        Topics.StatusChange => StatusChange,
        _ => null,
    };

    private static TopicLayout Build(string topic, int index)
    {
        int allowed = 0, required = 0;
        foreach (var f in EventSchema.For(topic))
        {
            allowed |= 1 << (int)f.Id;
            if (f.Required) required |= 1 << (int)f.Id;
        }
        return new TopicLayout { Topic = topic, Index = index, Allowed = allowed, Required = required };
    }
}
