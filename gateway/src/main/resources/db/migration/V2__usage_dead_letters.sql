-- Usage records PostgreSQL refused for good (e.g. a tenant that no longer exists, a value out of range). They are
-- kept here with the reason instead of being dropped, so billing can be repaired by hand; a request id appears once.
create table usage_dead_letters (
    id          bigserial primary key,
    request_id  text unique,
    tenant_id   text,
    record      jsonb       not null,
    error       text        not null,
    created_at  timestamptz not null default now()
);
