-- CloudWatch Logs, reworked for the invoke path: every event is one insert
-- into a table keyed by small integers. Streams get an integer id; events
-- live in a WITHOUT ROWID table keyed (stream_id, timestamp_ns, seq), where
-- seq is an arrival number the store assigns (equal timestamps keep their
-- arrival order). The event table has no foreign key: the store deletes a
-- stream's events by stream id. last_seq is the newest seq of each stream,
-- so the store finds the next seq without scanning the events. A group's
-- stored bytes are the sum of its streams' (log_groups.stored_bytes is no
-- longer written), so a batch updates only its streams' rows.
ALTER TABLE log_groups ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE log_groups ADD COLUMN tags TEXT NOT NULL DEFAULT '{}';

CREATE TABLE log_streams_v4 (
	id                INTEGER NOT NULL PRIMARY KEY,
	group_name        TEXT    NOT NULL,
	name              TEXT    NOT NULL,
	created_ns        BIGINT  NOT NULL,
	first_event_ns    BIGINT  NOT NULL DEFAULT 0,
	last_event_ns     BIGINT  NOT NULL DEFAULT 0,
	last_ingestion_ns BIGINT  NOT NULL DEFAULT 0,
	stored_bytes      BIGINT  NOT NULL DEFAULT 0,
	last_seq          BIGINT  NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX log_streams_name ON log_streams_v4 (group_name, name);

INSERT INTO log_streams_v4 (group_name, name, created_ns, first_event_ns, last_event_ns, last_ingestion_ns, stored_bytes, last_seq)
	SELECT s.group_name, s.name, s.created_ns, s.first_event_ns, s.last_event_ns, s.last_ingestion_ns, s.stored_bytes,
		COALESCE((SELECT MAX(e.id) FROM log_events e WHERE e.group_name = s.group_name AND e.stream_name = s.name), 0)
	FROM log_streams s ORDER BY s.group_name, s.name;

CREATE TABLE log_events_v4 (
	stream_id    BIGINT NOT NULL,
	timestamp_ns BIGINT NOT NULL,
	seq          BIGINT NOT NULL,
	ingestion_ns BIGINT NOT NULL,
	message      TEXT   NOT NULL,
	PRIMARY KEY (stream_id, timestamp_ns, seq)
) WITHOUT ROWID;

INSERT INTO log_events_v4 (stream_id, timestamp_ns, seq, ingestion_ns, message)
	SELECT s.id, e.timestamp_ns, e.id, e.ingestion_ns, e.message
	FROM log_events e JOIN log_streams_v4 s ON s.group_name = e.group_name AND s.name = e.stream_name;

DROP TABLE log_events;
DROP TABLE log_streams;
ALTER TABLE log_streams_v4 RENAME TO log_streams;
ALTER TABLE log_events_v4 RENAME TO log_events;
