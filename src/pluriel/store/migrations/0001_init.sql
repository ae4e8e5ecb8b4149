-- pluriel schema, version 1. Plain SQL; applied in one transaction by store.migrate.

create table institution (
    id          bigint generated always as identity primary key,
    slug        text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]*$'),
    name        text not null,
    country     char(2) not null,
    trust       text not null default 'standard' check (trust in ('trusted', 'standard')),
    website     text,
    created_at  timestamptz not null default now()
);

-- kind gives merge precedence: submission > feed > scrape (third party).
create table source (
    id               bigint generated always as identity primary key,
    institution_id   bigint not null references institution (id),
    format           text not null,
    url              text not null,
    kind             text not null default 'feed' check (kind in ('submission', 'feed', 'scrape')),
    name             text,
    lang             text not null default 'und',
    timezone         text not null default 'Europe/Luxembourg',
    refresh_interval interval not null default interval '6 hours',
    licence          text,
    enabled          boolean not null default true,
    etag             text,
    last_modified    text,
    checkpoint       text,
    last_item_count  integer,
    next_due_at      timestamptz not null default now(),
    created_at       timestamptz not null default now(),
    unique (institution_id, format, url)
);

create table source_run (
    id              bigint generated always as identity primary key,
    source_id       bigint not null references source (id),
    started_at      timestamptz not null default now(),
    finished_at     timestamptz,
    status          text not null
                    check (status in ('running', 'ok', 'unchanged', 'suspicious', 'failed')),
    http_status     integer,
    item_count      integer not null default 0,
    new_count       integer not null default 0,
    updated_count   integer not null default 0,
    unchanged_count integer not null default 0,
    removed_count   integer not null default 0,
    error_count     integer not null default 0,
    error           text,
    item_errors     jsonb not null default '[]'::jsonb
);
create index source_run_source on source_run (source_id, id desc);

create table place (
    id              bigint generated always as identity primary key,
    name            jsonb not null,                 -- {lang: name}
    name_folded     text not null,
    street          text,
    postal_code     text,
    locality        text,
    locality_folded text,
    country         char(2),
    lat             double precision,
    lon             double precision,
    confidence      real not null default 1.0,
    merged_into     bigint references place (id),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create index place_name_folded on place (name_folded, locality_folded);
create index place_geo on place (lat, lon);

create table organiser (
    id    bigint generated always as identity primary key,
    name  jsonb not null,
    url   text
);

create table event (
    id               bigint generated always as identity primary key,
    institution_id   bigint not null references institution (id),
    place_id         bigint references place (id),
    organiser_id     bigint references organiser (id),
    status           text not null default 'scheduled',
    attendance_mode  text not null default 'offline',
    timezone         text not null,
    rrule            text,
    url              text,
    booking_url      text,
    image_url        text,
    online_url       text,
    price            jsonb,
    is_free          boolean,
    accessibility    text[] not null default '{}',
    age_min          integer,
    age_max          integer,
    languages        text[] not null default '{}',
    tags             text[] not null default '{}',
    provenance       jsonb not null default '{}'::jsonb,   -- field -> source id
    first_start      timestamptz,
    last_end         timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    deleted_at       timestamptz
);
create index event_institution on event (institution_id);
create index event_place on event (place_id);
create index event_range on event (last_end, first_start) where deleted_at is null;

-- search: accent-folded title (weight A) and description (weight B), stemmed
-- with the configuration of lang (simple for lb and und).
create table event_text (
    event_id     bigint not null references event (id) on delete cascade,
    lang         text not null,
    title        text not null,
    subtitle     text,
    description  text,
    search       tsvector not null,
    primary key (event_id, lang)
);
create index event_text_search on event_text using gin (search);

create table occurrence (
    id              bigint generated always as identity primary key,
    event_id        bigint not null references event (id) on delete cascade,
    starts_at       timestamptz not null,
    ends_at         timestamptz,
    all_day         boolean not null default false,
    floating        boolean not null default false,
    timezone        text not null,
    status          text not null default 'scheduled',
    availability    text,
    recurrence_id   text,
    previous_start  timestamptz
);
create index occurrence_starts on occurrence (starts_at, id);
create index occurrence_event on occurrence (event_id, starts_at);

create table category (
    id        text primary key,
    parent_id text references category (id),
    labels    jsonb not null default '{}'::jsonb,
    position  integer not null default 0
);

create table event_category (
    event_id    bigint not null references event (id) on delete cascade,
    category_id text not null references category (id),
    primary key (event_id, category_id)
);
create index event_category_category on event_category (category_id, event_id);

create table source_event (
    id            bigint generated always as identity primary key,
    source_id     bigint not null references source (id),
    external_id   text not null,
    content_hash  text not null,
    payload       jsonb not null,
    event_id      bigint references event (id),
    first_seen    timestamptz not null default now(),
    last_seen     timestamptz not null default now(),
    missing_runs  integer not null default 0,
    removed_at    timestamptz,
    unique (source_id, external_id)
);
create index source_event_event on source_event (event_id);

-- Change log for sync (GraphQL `changes`, RPDE). txid lets readers skip rows
-- whose transaction is still open, so a late commit is never jumped over.
create table change (
    seq       bigint generated always as identity primary key,
    kind      text not null,
    entity_id bigint not null,
    state     text not null check (state in ('updated', 'deleted')),
    modified  timestamptz not null default now(),
    txid      xid8 not null default pg_current_xact_id()
);
create index change_entity on change (kind, entity_id, seq desc);

create table account (
    id             bigint generated always as identity primary key,
    email          text not null unique,
    password_hash  text not null,
    institution_id bigint references institution (id),
    role           text not null default 'member' check (role in ('member', 'moderator', 'admin')),
    region         text,
    created_at     timestamptz not null default now()
);

create table api_key (
    id             bigint generated always as identity primary key,
    prefix         text not null unique,
    secret_hash    text not null,
    institution_id bigint references institution (id),
    portal         text,
    scopes         text[] not null default '{}',
    created_at     timestamptz not null default now(),
    last_used_at   timestamptz,
    revoked_at     timestamptz,
    check ((institution_id is null) <> (portal is null))
);

create table submission (
    id             bigint generated always as identity primary key,
    institution_id bigint not null references institution (id),
    account_id     bigint references account (id),
    event_id       bigint references event (id),
    external_id    text,
    payload        jsonb not null,
    status         text not null default 'pending'
                   check (status in ('draft', 'pending', 'approved', 'rejected')),
    reason         text,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);

create table audit (
    id        bigint generated always as identity primary key,
    at        timestamptz not null default now(),
    actor     text not null,
    action    text not null,
    entity    text not null,
    entity_id bigint,
    before    jsonb,
    after     jsonb
);
