-- IAM and STS. Entity names are unique case-insensitively, as in IAM: each
-- table is keyed by name_key, the lower-cased name, and keeps the name as
-- its creator spelled it. Tags are JSON objects.
CREATE TABLE iam_users (
	name_key   TEXT   NOT NULL PRIMARY KEY,
	name       TEXT   NOT NULL,
	path       TEXT   NOT NULL,
	user_id    TEXT   NOT NULL UNIQUE,
	boundary   TEXT   NOT NULL DEFAULT '',
	tags       TEXT   NOT NULL DEFAULT '{}',
	created_ns BIGINT NOT NULL
);

CREATE TABLE iam_groups (
	name_key   TEXT   NOT NULL PRIMARY KEY,
	name       TEXT   NOT NULL,
	path       TEXT   NOT NULL,
	group_id   TEXT   NOT NULL UNIQUE,
	created_ns BIGINT NOT NULL
);

CREATE TABLE iam_group_members (
	group_key TEXT NOT NULL REFERENCES iam_groups (name_key),
	user_key  TEXT NOT NULL REFERENCES iam_users (name_key),
	PRIMARY KEY (group_key, user_key)
);

CREATE INDEX iam_group_members_user ON iam_group_members (user_key);

CREATE TABLE iam_roles (
	name_key     TEXT    NOT NULL PRIMARY KEY,
	name         TEXT    NOT NULL,
	path         TEXT    NOT NULL,
	role_id      TEXT    NOT NULL UNIQUE,
	trust_policy TEXT    NOT NULL,
	description  TEXT    NOT NULL DEFAULT '',
	max_session  INTEGER NOT NULL,
	boundary     TEXT    NOT NULL DEFAULT '',
	tags         TEXT    NOT NULL DEFAULT '{}',
	created_ns   BIGINT  NOT NULL
);

-- Customer managed policies. Names are unique in the account whatever the
-- path. last_version allocates version numbers, never reused.
CREATE TABLE iam_policies (
	arn             TEXT    NOT NULL PRIMARY KEY,
	name_key        TEXT    NOT NULL UNIQUE,
	name            TEXT    NOT NULL,
	path            TEXT    NOT NULL,
	policy_id       TEXT    NOT NULL UNIQUE,
	description     TEXT    NOT NULL DEFAULT '',
	default_version TEXT    NOT NULL,
	last_version    INTEGER NOT NULL,
	created_ns      BIGINT  NOT NULL,
	updated_ns      BIGINT  NOT NULL
);

CREATE TABLE iam_policy_versions (
	policy_arn  TEXT    NOT NULL REFERENCES iam_policies (arn) ON DELETE CASCADE,
	version_id  TEXT    NOT NULL,
	version_num INTEGER NOT NULL,
	document    TEXT    NOT NULL,
	created_ns  BIGINT  NOT NULL,
	PRIMARY KEY (policy_arn, version_id)
);

-- Attachments of managed policies (customer or AWS managed, so no foreign
-- key on policy_arn) to users, groups and roles (kind 'user', 'group',
-- 'role'; entity_key is the entity's name_key).
CREATE TABLE iam_attachments (
	kind       TEXT NOT NULL,
	entity_key TEXT NOT NULL,
	policy_arn TEXT NOT NULL,
	PRIMARY KEY (kind, entity_key, policy_arn)
);

CREATE INDEX iam_attachments_policy ON iam_attachments (policy_arn);

CREATE TABLE iam_inline_policies (
	kind       TEXT NOT NULL,
	entity_key TEXT NOT NULL,
	name_key   TEXT NOT NULL,
	name       TEXT NOT NULL,
	document   TEXT NOT NULL,
	PRIMARY KEY (kind, entity_key, name_key)
);

-- Long-term access keys; user_key is '' for the root user's keys.
CREATE TABLE iam_access_keys (
	access_key_id TEXT   NOT NULL PRIMARY KEY,
	user_key      TEXT   NOT NULL,
	secret        TEXT   NOT NULL,
	status        TEXT   NOT NULL,
	created_ns    BIGINT NOT NULL
);

CREATE INDEX iam_access_keys_user ON iam_access_keys (user_key);

-- STS sessions (temporary credentials of assumed roles).
CREATE TABLE sts_sessions (
	access_key_id TEXT   NOT NULL PRIMARY KEY,
	secret        TEXT   NOT NULL,
	session_token TEXT   NOT NULL,
	role_name     TEXT   NOT NULL,
	role_id       TEXT   NOT NULL,
	session_name  TEXT   NOT NULL,
	policy        TEXT   NOT NULL DEFAULT '',
	policy_arns   TEXT   NOT NULL DEFAULT '[]',
	expiration_ns BIGINT NOT NULL
);

CREATE INDEX sts_sessions_expiration ON sts_sessions (expiration_ns);
