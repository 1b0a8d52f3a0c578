-- EventBridge Scheduler: custom schedule groups (the default group is
-- implicit), schedules, and their firings. A firing is keyed by (group,
-- schedule, scheduled time): the runner inserts it in the transaction that
-- advances the schedule's next_ns, so an occurrence is recorded once.
CREATE TABLE schedule_groups (
	name        TEXT   NOT NULL PRIMARY KEY,
	arn         TEXT   NOT NULL DEFAULT '',
	created_ns  BIGINT NOT NULL,
	modified_ns BIGINT NOT NULL,
	tags        TEXT   NOT NULL DEFAULT '{}'
);

CREATE TABLE schedules (
	grp          TEXT    NOT NULL,
	name         TEXT    NOT NULL,
	arn          TEXT    NOT NULL,
	expression   TEXT    NOT NULL,
	timezone     TEXT    NOT NULL DEFAULT '',
	start_ns     BIGINT  NOT NULL DEFAULT 0,
	end_ns       BIGINT  NOT NULL DEFAULT 0,
	state        TEXT    NOT NULL,
	description  TEXT    NOT NULL DEFAULT '',
	flex_mode    TEXT    NOT NULL,
	flex_minutes INTEGER NOT NULL DEFAULT 0,
	target       TEXT    NOT NULL,
	after_action TEXT    NOT NULL DEFAULT 'NONE',
	kms_key_arn  TEXT    NOT NULL DEFAULT '',
	created_ns   BIGINT  NOT NULL,
	modified_ns  BIGINT  NOT NULL,
	next_ns      BIGINT  NOT NULL DEFAULT 0,
	fire_ns      BIGINT  NOT NULL DEFAULT 0,
	completed    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (grp, name)
);

CREATE INDEX schedules_active ON schedules (state, completed);

CREATE TABLE schedule_firings (
	grp          TEXT   NOT NULL,
	name         TEXT   NOT NULL,
	scheduled_ns BIGINT NOT NULL,
	recorded_ns  BIGINT NOT NULL,
	PRIMARY KEY (grp, name, scheduled_ns)
);
