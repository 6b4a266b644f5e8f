-- The one lake directory a manifest describes: lake.files paths are relative to it. The same lake_id is in the marker
-- file _rhythmic/lake.json in that directory. A lander, backfill, load or verify whose directory holds another id (or,
-- at another path, none) is refused, so this manifest is never read against, nor written for, another directory.
-- A manifest that predates this table is bound to the first platform directory that uses it (its Lake:Root).
create table lake.root (
  only_row   boolean     primary key default true check (only_row),
  lake_id    uuid        not null,
  root       text        not null,                   -- absolute path of the directory, as last bound
  bound_at   timestamptz not null default now(),
  moved_at   timestamptz                             -- when the same lake (same marker) was last seen at a new path
);
