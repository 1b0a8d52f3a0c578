-- Functions: one row per function holding the version counter, so a
-- published version number is never reused after a version is deleted.
CREATE TABLE functions (
	name         TEXT    NOT NULL PRIMARY KEY,
	last_version BIGINT  NOT NULL DEFAULT 0,
	created_ns   BIGINT  NOT NULL
);

-- One row per version: '$LATEST' (version_num 0) and published versions
-- (version_num 1, 2, ...). config_sha fingerprints the code and
-- configuration so PublishVersion can skip an unchanged publish.
CREATE TABLE function_versions (
	function_name    TEXT    NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
	version          TEXT    NOT NULL,
	version_num      BIGINT  NOT NULL,
	runtime          TEXT    NOT NULL DEFAULT '',
	role             TEXT    NOT NULL DEFAULT '',
	handler          TEXT    NOT NULL DEFAULT '',
	description      TEXT    NOT NULL DEFAULT '',
	timeout          INTEGER NOT NULL DEFAULT 0,
	memory_size      INTEGER NOT NULL DEFAULT 0,
	environment      TEXT    NOT NULL DEFAULT 'null',
	architectures    TEXT    NOT NULL DEFAULT 'null',
	ephemeral_mb     INTEGER NOT NULL DEFAULT 0,
	code_sha256      TEXT    NOT NULL DEFAULT '',
	code_size        BIGINT  NOT NULL DEFAULT 0,
	last_modified_ns BIGINT  NOT NULL DEFAULT 0,
	revision_id      TEXT    NOT NULL DEFAULT '',
	state            TEXT    NOT NULL DEFAULT '',
	update_status    TEXT    NOT NULL DEFAULT '',
	config_sha       TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (function_name, version)
);

CREATE UNIQUE INDEX function_versions_num ON function_versions (function_name, version_num);

CREATE TABLE aliases (
	function_name    TEXT NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
	name             TEXT NOT NULL,
	function_version TEXT NOT NULL,
	description      TEXT NOT NULL DEFAULT '',
	weights          TEXT NOT NULL DEFAULT 'null',
	revision_id      TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (function_name, name)
);

CREATE TABLE function_concurrency (
	function_name TEXT    NOT NULL PRIMARY KEY REFERENCES functions (name) ON DELETE CASCADE,
	reserved      INTEGER NOT NULL
);

CREATE TABLE event_invoke_configs (
	function_name       TEXT    NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
	qualifier           TEXT    NOT NULL,
	max_retry_attempts  INTEGER,
	max_event_age       INTEGER,
	on_success          TEXT    NOT NULL DEFAULT '',
	on_failure          TEXT    NOT NULL DEFAULT '',
	last_modified_ns    BIGINT  NOT NULL DEFAULT 0,
	PRIMARY KEY (function_name, qualifier)
);

-- Accepted asynchronous invocations. An event is claimable when
-- not_before_ns <= now and lease_until_ns <= now.
CREATE TABLE async_events (
	id             TEXT    NOT NULL PRIMARY KEY,
	function_name  TEXT    NOT NULL,
	qualifier      TEXT    NOT NULL DEFAULT '',
	payload        BLOB,
	attempts       INTEGER NOT NULL DEFAULT 0,
	received_ns    BIGINT  NOT NULL,
	not_before_ns  BIGINT  NOT NULL,
	lease_until_ns BIGINT  NOT NULL DEFAULT 0
);

CREATE INDEX async_events_due ON async_events (not_before_ns, received_ns);
CREATE INDEX async_events_function ON async_events (function_name);

-- CloudWatch Logs.
CREATE TABLE log_groups (
	name         TEXT   NOT NULL PRIMARY KEY,
	created_ns   BIGINT NOT NULL,
	stored_bytes BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE log_streams (
	group_name        TEXT   NOT NULL REFERENCES log_groups (name) ON DELETE CASCADE,
	name              TEXT   NOT NULL,
	created_ns        BIGINT NOT NULL,
	first_event_ns    BIGINT NOT NULL DEFAULT 0,
	last_event_ns     BIGINT NOT NULL DEFAULT 0,
	last_ingestion_ns BIGINT NOT NULL DEFAULT 0,
	stored_bytes      BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (group_name, name)
);

-- id orders events with equal timestamps by arrival (an INTEGER PRIMARY
-- KEY is SQLite's rowid; PostgreSQL uses an identity column).
CREATE TABLE log_events (
	id           INTEGER NOT NULL PRIMARY KEY,
	group_name   TEXT    NOT NULL,
	stream_name  TEXT    NOT NULL,
	timestamp_ns BIGINT  NOT NULL,
	ingestion_ns BIGINT  NOT NULL,
	message      TEXT    NOT NULL,
	FOREIGN KEY (group_name, stream_name) REFERENCES log_streams (group_name, name) ON DELETE CASCADE
);

CREATE INDEX log_events_stream_time ON log_events (group_name, stream_name, timestamp_ns, id);
