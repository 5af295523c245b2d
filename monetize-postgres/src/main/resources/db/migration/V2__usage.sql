-- The usage ledger: one row per usage record, keyed by the record's id, so a redelivered batch
-- inserts nothing twice (ON CONFLICT DO NOTHING).
CREATE TABLE monetize_usage (
  id              uuid PRIMARY KEY,
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
  units           jsonb NOT NULL DEFAULT '{}'
);
-- reports and invoices read one customer's usage over a period
CREATE INDEX monetize_usage_customer_period ON monetize_usage (customer_id, period_start);
