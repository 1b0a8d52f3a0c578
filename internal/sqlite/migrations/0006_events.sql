-- EventBridge: custom event buses (the default bus is implicit), rules,
-- their targets, and the firings of scheduled rules. A firing is keyed by
-- (bus, rule, scheduled time): the scheduler inserts it in the transaction
-- that advances the rule's next_fire_ns, so an occurrence is recorded once.
CREATE TABLE event_buses (
	name        TEXT   NOT NULL PRIMARY KEY,
	description TEXT   NOT NULL DEFAULT '',
	created_ns  BIGINT NOT NULL,
	modified_ns BIGINT NOT NULL,
	tags        TEXT   NOT NULL DEFAULT '{}'
);

CREATE TABLE event_rules (
	bus           TEXT   NOT NULL,
	name          TEXT   NOT NULL,
	schedule      TEXT   NOT NULL DEFAULT '',
	pattern       TEXT   NOT NULL DEFAULT '',
	state         TEXT   NOT NULL,
	description   TEXT   NOT NULL DEFAULT '',
	role_arn      TEXT   NOT NULL DEFAULT '',
	arn           TEXT   NOT NULL,
	created_by    TEXT   NOT NULL DEFAULT '',
	tags          TEXT   NOT NULL DEFAULT '{}',
	created_ns    BIGINT NOT NULL,
	next_fire_ns  BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (bus, name)
);

CREATE INDEX event_rules_scheduled ON event_rules (state, schedule);

CREATE TABLE event_targets (
	bus    TEXT NOT NULL,
	rule   TEXT NOT NULL,
	id     TEXT NOT NULL,
	arn    TEXT NOT NULL,
	config TEXT NOT NULL,
	PRIMARY KEY (bus, rule, id)
);

CREATE INDEX event_targets_arn ON event_targets (bus, arn);

CREATE TABLE event_firings (
	bus          TEXT   NOT NULL,
	rule         TEXT   NOT NULL,
	scheduled_ns BIGINT NOT NULL,
	recorded_ns  BIGINT NOT NULL,
	PRIMARY KEY (bus, rule, scheduled_ns)
);
