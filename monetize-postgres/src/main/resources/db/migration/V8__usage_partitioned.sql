-- The usage ledger partitioned by month (of period_start, in UTC), so that a month is one table:
-- queries over a period read only its months, and old months are rolled up into quarter-hour totals
-- and dropped whole (PostgresUsageLedger.compactBefore) instead of deleted row by row.
--
-- A partitioned table's primary key must hold the partition key: (id, period_start). A record's
-- start never changes, so a redelivered record still conflicts with itself and inserts nothing.
ALTER TABLE monetize_usage RENAME TO monetize_usage_v7;
ALTER INDEX monetize_usage_customer_period RENAME TO monetize_usage_v7_customer_period;
ALTER TABLE monetize_usage_v7 RENAME CONSTRAINT monetize_usage_pkey TO monetize_usage_v7_pkey;

CREATE TABLE monetize_usage (
  id              uuid NOT NULL,
  customer_id     text NOT NULL,
  key_id          text NOT NULL,
  operation_id    text NOT NULL,
  status          integer NOT NULL,
  overage         boolean NOT NULL,
  period_start    timestamptz NOT NULL,
  period_end      timestamptz NOT NULL,
  calls           bigint NOT NULL,
  bytes_out       bigint NOT NULL,
  duration_micros bigint NOT NULL,
  units           jsonb NOT NULL DEFAULT '{}',
  bytes_in        bigint NOT NULL DEFAULT 0,
  cpu_micros      bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (id, period_start)
) PARTITION BY RANGE (period_start);
-- reports and invoices read one customer's usage over a period (each partition has this index)
CREATE INDEX monetize_usage_customer_period ON monetize_usage (customer_id, period_start);

-- Months rolled up into monetize_usage_rollup: their partitions are gone and never come back.
CREATE TABLE monetize_usage_compacted (
  month        date PRIMARY KEY,
  rows         bigint NOT NULL,
  compacted_at timestamptz NOT NULL DEFAULT now()
);

-- The totals of compacted months, per customer, operation, status and quarter hour (UTC): every
-- time zone's offset is a whole number of quarter hours, so a customer's days and billing periods
-- still start on a bucket.
CREATE TABLE monetize_usage_rollup (
  customer_id     text NOT NULL,
  operation_id    text NOT NULL,
  status          integer NOT NULL,
  bucket          timestamptz NOT NULL,
  calls           bigint NOT NULL,
  bytes_in        bigint NOT NULL,
  bytes_out       bigint NOT NULL,
  duration_micros bigint NOT NULL,
  cpu_micros      bigint NOT NULL,
  units           jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (customer_id, bucket, operation_id, status)
);

-- Records that arrived for a month already compacted: kept (never lost), not counted, for an
-- operator to look at. A journal redelivers within minutes; a month is compacted months later.
CREATE TABLE monetize_usage_late (LIKE monetize_usage INCLUDING DEFAULTS, received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, period_start));

-- Every reader reads this: the raw rows of kept months and the quarter-hour totals of compacted ones.
CREATE VIEW monetize_usage_all AS
  SELECT customer_id, operation_id, status, period_start, calls, bytes_in, bytes_out, duration_micros, cpu_micros, units
    FROM monetize_usage
  UNION ALL
  SELECT customer_id, operation_id, status, bucket, calls, bytes_in, bytes_out, duration_micros, cpu_micros, units
    FROM monetize_usage_rollup;

-- The partition of the month holding `at` (UTC), created when missing; NULL for a compacted month.
-- Serialized per month by an advisory lock, so that writers starting a month together never race.
CREATE FUNCTION monetize_usage_partition(at timestamptz) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  m timestamp := date_trunc('month', at AT TIME ZONE 'UTC');
  name text := 'monetize_usage_' || to_char(m, 'YYYY_MM');
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(current_schema() || '.' || name));
  IF EXISTS (SELECT 1 FROM monetize_usage_compacted WHERE month = m::date) THEN
    RETURN NULL;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relname = name AND n.nspname = current_schema()) THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF monetize_usage FOR VALUES FROM (%L) TO (%L)', name,
      to_char(m, 'YYYY-MM-DD') || ' 00:00:00+00', to_char(m + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00');
  END IF;
  RETURN name;
END
$$;

SELECT monetize_usage_partition(m)
  FROM (SELECT DISTINCT date_trunc('month', period_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m FROM monetize_usage_v7) s;
INSERT INTO monetize_usage (id, customer_id, key_id, operation_id, status, overage, period_start, period_end, calls,
    bytes_out, duration_micros, units, bytes_in, cpu_micros)
  SELECT id, customer_id, key_id, operation_id, status, overage, period_start, period_end, calls, bytes_out,
    duration_micros, units, bytes_in, cpu_micros FROM monetize_usage_v7;
DROP TABLE monetize_usage_v7;
