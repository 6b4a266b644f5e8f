-- Staging names each event's song and place by a number the loader assigns per load (dw.stg_song, dw.stg_place hold
-- each distinct one once), so the dimensions are built and keyed once per distinct song and place, and the facts join
-- staging to them on one integer instead of on three or five text and float columns per event.
-- place_ref is required as the place columns were (an event without a full place fails the COPY). Staging holds
-- nothing between loads; it is emptied here so the required column can be added.
truncate dw.stg_event;
alter table dw.stg_event
  add column song_ref int,
  add column place_ref int not null,
  alter column city drop not null,
  alter column zip drop not null,
  alter column state drop not null,
  alter column lon drop not null,
  alter column lat drop not null;

-- The distinct songs (artist, title, duration all present) of the staged events; song_key is set from dim_song.
create unlogged table dw.stg_song (
  song_ref int primary key,
  artist   text not null,
  title    text not null,
  duration double precision not null,
  song_key bigint
);

-- The distinct places of the staged events; location_key is set from dim_location.
create unlogged table dw.stg_place (
  place_ref    int primary key,
  city         text not null,
  state        text not null,
  zip          text not null,
  lat          double precision not null,
  lon          double precision not null,
  location_key bigint
);
