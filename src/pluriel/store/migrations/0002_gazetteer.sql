-- Gazetteer: seeded places keep their key; every place keeps its name variants.
alter table place add column gazetteer_key text unique;
alter table place add column aliases text[] not null default '{}';
create index place_merged on place (merged_into) where merged_into is not null;
