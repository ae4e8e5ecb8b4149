-- Submissions: accounts, moderation and the audit trail need a few more columns and indexes.

-- Moderators work per region ("LU", "Lorraine", "Saarland"…); an institution
-- belongs to one region as well as to one country.
alter table institution add column region text;

-- One address, one account, whatever its case.
create unique index account_email_folded on account (lower(email));

-- An event submission is one row per (institution, external id), edited in
-- place as it goes draft -> pending -> approved/rejected -> pending again; its
-- history is the audit trail. An upload waiting for review is one row too.
alter table submission
    add column kind text not null default 'event' check (kind in ('event', 'upload')),
    add column content_hash text,
    add column actor text,
    add column moderated_by text,
    add column moderated_at timestamptz;
create unique index submission_external on submission (institution_id, external_id)
    where kind = 'event';
create index submission_queue on submission (created_at, id) where status = 'pending';
create index submission_event on submission (event_id);

create index audit_entity on audit (entity, entity_id, id);
create index api_key_institution on api_key (institution_id);
