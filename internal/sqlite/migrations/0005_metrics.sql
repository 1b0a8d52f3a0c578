-- CloudWatch metrics. A series is one metric (namespace, name, sorted
-- dimensions), named by its canonical key; last_ns is the end of its latest
-- point, for ListMetrics' RecentlyActive. A point aggregates one unit's
-- values over resolution seconds from ts (Unix seconds): 1 (high
-- resolution), 60, 300 or 3600, coarsened by the rollup as they age. hist
-- is the encoded percentile histogram (NULL when percentiles are
-- unavailable or there are no values).
CREATE TABLE metric_series (
	id         BIGINT NOT NULL PRIMARY KEY,
	metric_key TEXT   NOT NULL UNIQUE,
	namespace  TEXT   NOT NULL,
	name       TEXT   NOT NULL,
	last_ns    BIGINT NOT NULL
);
CREATE INDEX metric_series_namespace ON metric_series (namespace, name, metric_key);

CREATE TABLE metric_points (
	series_id      BIGINT           NOT NULL REFERENCES metric_series (id) ON DELETE CASCADE,
	ts             BIGINT           NOT NULL,
	resolution     INTEGER          NOT NULL,
	unit           TEXT             NOT NULL,
	sample_count   DOUBLE PRECISION NOT NULL,
	sum            DOUBLE PRECISION NOT NULL,
	minimum        DOUBLE PRECISION NOT NULL,
	maximum        DOUBLE PRECISION NOT NULL,
	no_percentiles INTEGER          NOT NULL DEFAULT 0,
	hist           BLOB,
	PRIMARY KEY (series_id, ts, resolution, unit)
);
CREATE INDEX metric_points_age ON metric_points (resolution, ts);
