-- Records what the load of one hour saw: $1 hour, $2 manifest digest, $3 files, $4 events, $5 load kind.
insert into dw.load_state (hour, manifest_digest, files, events, load_kind, loaded_at)
values ($1, $2, $3, $4, $5, now())
on conflict (hour) do update
set manifest_digest = excluded.manifest_digest, files = excluded.files, events = excluded.events,
    load_kind = excluded.load_kind, loaded_at = excluded.loaded_at
