#!/bin/bash
# The `topics` service of docker-compose.yml (a one-shot in the apache/kafka image): waits for every broker of
# $BOOTSTRAP, then creates each topic of $TOPICS ("name:partitions ...") that is missing. The replication factor is
# the number of brokers (1, or 3 with min.insync.replicas 2). An existing topic is left as it is, and a partition
# count that differs from the one asked for is reported (Kafka can add partitions, never remove them).
set -euo pipefail
KT=/opt/kafka/bin/kafka-topics.sh
IFS=, read -ra brokers <<< "$BOOTSTRAP"
replication=${#brokers[@]}
if [ "$replication" -ge 3 ]; then replication=3; min_isr=2; else min_isr=1; fi

deadline=$((SECONDS + 180))
for broker in "${brokers[@]}"; do
  until /opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server "$broker" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "topics: broker $broker did not answer within 180 s" >&2; exit 1; fi
    sleep 2
  done
done

for spec in $TOPICS; do
  topic=${spec%%:*}; partitions=${spec##*:}
  "$KT" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$topic" \
    --partitions "$partitions" --replication-factor "$replication" \
    --config min.insync.replicas="$min_isr" --config retention.ms=$((RETENTION_HOURS * 3600 * 1000))
  actual=$("$KT" --bootstrap-server "$BOOTSTRAP" --describe --topic "$topic" | grep -o 'PartitionCount: *[0-9]*' | grep -o '[0-9]*$')
  if [ "$actual" != "$partitions" ]; then
    echo "topics: $topic has $actual partitions, not $partitions (created earlier with another count; kafka-topics.sh --alter --partitions can only add)" >&2
  fi
  echo "topics: $topic ready ($actual partitions, replication factor $replication, min.insync.replicas $min_isr)"
done
