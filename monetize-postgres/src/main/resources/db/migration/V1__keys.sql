-- Organizations (the paying customers), their projects, and API keys (hashes only, never secrets).
-- The engine checks that a key's organization and project exist; no foreign keys, so that keys can be
-- stored for organizations kept elsewhere (a custom CustomerStore).
CREATE TABLE monetize_organizations (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  plan        text NOT NULL,
  billing_day integer NOT NULL CHECK (billing_day BETWEEN 1 AND 31),
  time_zone   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE monetize_projects (
  id              text PRIMARY KEY,
  organization_id text NOT NULL,
  name            text NOT NULL,
  scopes          text[] NOT NULL,
  created_at      timestamptz NOT NULL
);
CREATE INDEX monetize_projects_organization ON monetize_projects (organization_id);

CREATE TABLE monetize_api_keys (
  id                   text PRIMARY KEY,
  organization_id      text NOT NULL,
  project_id           text,
  secret_hash          text NOT NULL,
  previous_hash        text,
  previous_valid_until timestamptz,
  scopes               text[] NOT NULL,
  environment          text NOT NULL,
  status               text NOT NULL,
  created_at           timestamptz NOT NULL,
  expires_at           timestamptz,
  limit_overrides      jsonb NOT NULL DEFAULT '{}'
);
-- verification looks a presented secret up by its hash (current, or previous during a rotation)
CREATE UNIQUE INDEX monetize_api_keys_secret_hash ON monetize_api_keys (secret_hash);
CREATE INDEX monetize_api_keys_previous_hash ON monetize_api_keys (previous_hash) WHERE previous_hash IS NOT NULL;
-- the management API lists keys per organization, or per project, in id order (keyset pagination)
CREATE INDEX monetize_api_keys_organization ON monetize_api_keys (organization_id, id);
CREATE INDEX monetize_api_keys_organization_project ON monetize_api_keys (organization_id, project_id, id);
