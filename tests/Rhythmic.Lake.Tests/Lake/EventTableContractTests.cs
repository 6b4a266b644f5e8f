using Rhythmic.Core.Events;
using Rhythmic.Parquet;

namespace Rhythmic.Lake.Tests.Lake;

/// <summary>The lake's files follow <see cref="EventSchema"/>: one column per field of the topic, of its type, filled from the record property of its name.</summary>
public sealed class EventTableContractTests
{
    public static TheoryData<string> AllTopics() => [.. Topics.All];

    [Theory]
    [MemberData(nameof(AllTopics))]
    public void A_topics_files_have_one_column_per_schema_field_of_its_type_then_the_lakes_own(string topic)
    {
        var fields = EventSchema.For(topic);
        var columns = EventTable.SchemaOf(topic).Columns;
        Assert.Equal(fields.Select(f => f.Name).Concat([EventTable.PartitionColumn, EventTable.OffsetColumn, EventTable.IngestedAtColumn]), columns.Select(c => c.Name));
        for (var i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            Assert.Equal(!f.Required, columns[i].Optional);
            Assert.Equal(f.Type switch
            {
                FieldType.Long => f.EpochMillis ? ParquetType.TimestampMillis : ParquetType.Int64,
                FieldType.Int => ParquetType.Int32,
                FieldType.Double => ParquetType.Double,
                FieldType.Bool => ParquetType.Boolean,
                _ => ParquetType.String,
            }, columns[i].Type);
        }
    }

    [Theory]
    [MemberData(nameof(AllTopics))]
    public void Each_column_is_filled_from_the_record_property_of_its_field(string topic)
    {
        // A distinct value in every property, so an accessor reading another field's property shows.
        var record = new EventRecord();
        foreach (var f in EventSchema.Fields)
        {
            var id = (int)f.Id;
            object value = f.Type switch
            {
                FieldType.Long => 1_000_000L + id,
                FieldType.Int => 1_000 + id,
                FieldType.Double => id + 0.5,
                FieldType.Bool => id % 2 == 0,
                _ => $"value of {f.Name}",
            };
            typeof(EventRecord).GetProperty(char.ToUpperInvariant(f.Name[0]) + f.Name[1..])!.SetValue(record, value);
        }
        var appender = new EventRowAppender(topic, 4);
        appender.Append(record, partition: 3, offset: 99, ingestedAtMs: 5);
        var fields = EventSchema.For(topic);
        for (var i = 0; i < fields.Count; i++)
        {
            var property = typeof(EventRecord).GetProperty(char.ToUpperInvariant(fields[i].Name[0]) + fields[i].Name[1..])!;
            Assert.Equal(property.GetValue(record), appender.Buffers[i].GetValue(0));
        }
        Assert.Equal([3, 99L, 5L], appender.Buffers[fields.Count..].Select(b => b.Column.Type == ParquetType.Int32 ? (object)b.GetInt32(0) : b.GetInt64(0)));
    }
}
