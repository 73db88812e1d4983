-- StreamGate core schema: plans, tenants, API keys, model deployments, usage records.
-- Every tenant-owned row carries tenant_id.

create table plans (
    id                     text primary key,
    name                   text        not null,
    tenant_rpm             bigint      not null check (tenant_rpm > 0),
    tenant_tpm             bigint      not null check (tenant_tpm > 0),
    tenant_concurrent      integer     not null check (tenant_concurrent > 0),
    key_rpm                bigint      not null check (key_rpm > 0),
    key_tpm                bigint      not null check (key_tpm > 0),
    key_concurrent         integer     not null check (key_concurrent > 0),
    allowed_models         text[]      not null default '{}',
    priority               integer     not null default 0,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now()
);

create table tenants (
    id          text primary key,
    name        text        not null,
    plan_id     text        not null references plans (id),
    disabled    boolean     not null default false,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

-- Only a hash of each key is stored. Keys are 256-bit random secrets, so a plain SHA-256 is enough to make a
-- leaked table useless (no password-style stretching needed). The prefix is the public part used for lookup.
create table api_keys (
    id           text primary key,
    tenant_id    text        not null references tenants (id),
    prefix       text        not null unique,
    secret_hash  bytea       not null,
    name         text        not null default '',
    scopes       text[]      not null default '{}',
    expires_at   timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz not null default now()
);
create index api_keys_tenant on api_keys (tenant_id);

create table model_deployments (
    id                        text primary key,
    model                     text           not null,
    provider                  text           not null,
    base_url                  text,
    api_key                   text,
    upstream_model            text,
    weight                    integer        not null default 1 check (weight >= 0),
    input_price_per_million   numeric(20, 10) not null default 0,
    output_price_per_million  numeric(20, 10) not null default 0,
    settings                  jsonb          not null default '{}',
    enabled                   boolean        not null default true,
    created_at                timestamptz    not null default now(),
    updated_at                timestamptz    not null default now()
);
create index model_deployments_model on model_deployments (model);

-- One row per request id: the primary key makes a retried write idempotent.
create table usage_records (
    request_id          text primary key,
    tenant_id           text           not null references tenants (id),
    key_id              text,
    model               text           not null,
    deployment_id       text,
    prompt_tokens       integer        not null,
    completion_tokens   integer        not null,
    estimated           boolean        not null,
    cost                numeric(20, 10) not null,
    status              text           not null,
    finish_reason       text,
    ttft_ms             integer,
    duration_ms         integer        not null,
    created_at          timestamptz    not null
);
create index usage_records_tenant_time on usage_records (tenant_id, created_at);
