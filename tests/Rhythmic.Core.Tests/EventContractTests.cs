using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Rhythmic.Core.Events;

namespace Rhythmic.Core.Tests;

/// <summary>
/// <see cref="EventSchema"/> is the one definition of the event contract: the parser's field table and
/// <see cref="EventRecord"/> must agree with it (the lake's columns and the warehouse's inputs have their own tests).
/// </summary>
public sealed class EventContractTests
{
    /// <summary>A valid value of every field (the events below are valid events of their topic), by name.</summary>
    private static readonly Dictionary<string, JsonNode> Values = new()
    {
        ["ts"] = 1_700_000_000_000L, ["sessionId"] = 42L, ["level"] = "paid", ["itemInSession"] = 7, ["city"] = "Tampa", ["zip"] = "33601",
        ["state"] = "FL", ["userAgent"] = "Mozilla/5.0", ["lon"] = -82.5, ["lat"] = 27.9, ["userId"] = 17L, ["firstName"] = "Ada",
        ["lastName"] = "Lovelace", ["gender"] = "F", ["registration"] = 1_600_000_000_000L, ["artist"] = "Artist", ["song"] = "Song",
        ["duration"] = 215.5, ["auth"] = "Logged In", ["page"] = "NextSong", ["method"] = "PUT", ["status"] = 200, ["success"] = true,
    };

    public static TheoryData<string> AllTopics() => [.. Topics.All];

    [Fact]
    public void The_schema_numbers_its_fields_in_order_and_each_topic_takes_them_from_that_table()
    {
        Assert.Equal(Enum.GetValues<EventFieldId>(), EventSchema.Fields.Select(f => f.Id));
        Assert.Equal(EventSchema.Fields.Count, EventSchema.Fields.Select(f => f.Name).Distinct().Count());
        foreach (var topic in Topics.All)
            foreach (var f in EventSchema.For(topic))
                Assert.Equal(EventSchema.Fields[(int)f.Id] with { Required = f.Required }, f);
        Assert.All(EventSchema.Fields, f => Assert.True(!f.EpochMillis || f.Type == FieldType.Long, f.Name));
    }

    [Fact]
    public void Every_field_name_looks_up_its_own_number_and_nothing_else_does()
    {
        foreach (var f in EventSchema.Fields) Assert.Equal((int)f.Id, EventSchema.FieldOf(Encoding.UTF8.GetBytes(f.Name)));
        foreach (var name in new[] { "", "t", "Ts", "tss", "userid", "sessionID", "foo", "artists", "successful" })
            Assert.Equal(-1, EventSchema.FieldOf(Encoding.UTF8.GetBytes(name)));
    }

    [Fact]
    public void EventRecord_has_one_property_per_field_of_the_fields_type_nullable_where_a_topic_may_lack_it()
    {
        var nullability = new NullabilityInfoContext();
        var properties = typeof(EventRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        Assert.Equal(EventSchema.Fields.Select(f => PropertyName(f.Name)).Append(nameof(EventRecord.Topic)).Order(), properties.Select(p => p.Name).Order());
        foreach (var f in EventSchema.Fields)
        {
            var p = properties.Single(p => p.Name == PropertyName(f.Name));
            var everywhere = Topics.All.All(t => EventSchema.For(t).Any(x => x.Id == f.Id && x.Required));
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            Assert.True(ClrType(f.Type) == type, $"EventRecord.{p.Name} is {type.Name}, the schema says {f.Type}");
            var nullable = p.PropertyType.IsValueType ? Nullable.GetUnderlyingType(p.PropertyType) is not null
                : nullability.Create(p).ReadState == NullabilityState.Nullable;
            Assert.True(nullable == !everywhere, $"EventRecord.{p.Name} is {(nullable ? "" : "not ")}nullable but {(everywhere ? "every" : "not every")} topic requires {f.Name}");
        }
    }

    [Theory]
    [MemberData(nameof(AllTopics))]
    public void The_parser_stores_every_field_of_a_topic_in_the_record_property_of_its_name(string topic)
    {
        var json = new JsonObject();
        foreach (var f in EventSchema.For(topic)) json[f.Name] = Values[f.Name].DeepClone();
        var record = new EventRecord();
        Assert.True(new EventParser().TryParse(topic, Encoding.UTF8.GetBytes(json.ToJsonString()), record, out var reason), reason);
        foreach (var f in EventSchema.For(topic))
            Assert.Equal(Expected(f, Values[f.Name]), typeof(EventRecord).GetProperty(PropertyName(f.Name))!.GetValue(record));
    }

    [Fact]
    public void The_test_knows_a_value_of_every_field()
        => Assert.Equal(EventSchema.Fields.Select(f => f.Name).Order(), Values.Keys.Order());

    /// <summary>The property of field <paramref name="name"/>: its name with a capital (design.md §2's names are camelCase).</summary>
    internal static string PropertyName(string name) => char.ToUpperInvariant(name[0]) + name[1..];

    private static Type ClrType(FieldType t) => t switch
    {
        FieldType.Long => typeof(long),
        FieldType.Int => typeof(int),
        FieldType.Double => typeof(double),
        FieldType.String => typeof(string),
        _ => typeof(bool),
    };

    private static object Expected(EventField f, JsonNode v) => f.Type switch
    {
        FieldType.Long => v.GetValue<long>(),
        FieldType.Int => v.GetValue<int>(),
        FieldType.Double => v.GetValue<double>(),
        FieldType.String => v.GetValue<string>(),
        _ => v.GetValue<bool>(),
    };
}
