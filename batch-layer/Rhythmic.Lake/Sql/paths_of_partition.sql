-- Paths of the committed files of one topic partition. $1 topic, $2 partition.
select path from lake.files where topic = $1 and kafka_partition = $2
