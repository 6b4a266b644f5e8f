using System.Reflection;
using System.Text;
using Rhythmic.Core.Events;
using Rhythmic.SpeedLayer.Parsing;

namespace Rhythmic.SpeedLayer.Tests;

/// <summary>The fast path's <see cref="EventFields"/> follow <see cref="EventSchema"/>: each member is a field of its name and type, holding what TryParse stores.</summary>
public sealed class EventFieldsContractTests
{
    private static readonly FieldInfo[] Members = [.. typeof(EventFields).GetFields(BindingFlags.Public | BindingFlags.Instance).Where(f => !f.Name.StartsWith("Has", StringComparison.Ordinal))];

    [Fact]
    public void Each_member_is_a_schema_field_of_its_name_and_type()
    {
        foreach (var m in Members)
        {
            var field = EventSchema.Fields.SingleOrDefault(f => f.Name == char.ToLowerInvariant(m.Name[0]) + m.Name[1..]);
            Assert.True(field is not null, $"EventFields.{m.Name} is no field of the schema");
            Assert.Equal(field.Type switch
            {
                FieldType.Long => typeof(long),
                FieldType.Int => typeof(int),
                FieldType.Bool => typeof(bool),
                FieldType.String => typeof(Utf8Slice),
                _ => typeof(double),
            }, m.FieldType);
        }
    }

    [Theory]
    [InlineData(Topics.Listen)]
    [InlineData(Topics.PageView)]
    [InlineData(Topics.Auth)]
    [InlineData(Topics.StatusChange)]
    public void Each_member_holds_the_value_the_general_path_stores_in_the_record(string topic)
    {
        var json = new TestEvent { Topic = topic, UserId = 5, Page = EventDomains.NextSong, ItemInSession = 3, Status = 307 }.ToJson();
        var parser = new SpeedParser(new EventParserOptions { MaxFutureSeconds = int.MaxValue });
        var fields = new EventFields();
        var record = new EventRecord();
        Assert.True(parser.TryParseFields(topic, json, ref fields));
        Assert.True(parser.TryParse(topic, json, record, out var reason), reason);
        object boxed = fields;
        foreach (var m in Members)
        {
            if (!EventSchema.For(topic).Any(f => f.Name == char.ToLowerInvariant(m.Name[0]) + m.Name[1..])) continue;
            var value = m.GetValue(boxed) is Utf8Slice s ? Encoding.UTF8.GetString(s.Of(json)) : m.GetValue(boxed);
            Assert.Equal(typeof(EventRecord).GetProperty(m.Name)!.GetValue(record), value);
        }
    }
}
