-- Wallet entries (operator top-ups and deductions), unique per customer and id: a retried
-- top-up inserts nothing (ON CONFLICT DO NOTHING) and the first entry is returned.
CREATE TABLE monetize_wallet_entries (
  customer_id   text NOT NULL,
  id            text NOT NULL,
  amount        numeric(19, 6) NOT NULL,
  note          text NOT NULL,
  at            timestamptz NOT NULL,
  balance_after numeric(19, 6) NOT NULL,
  seq           bigserial NOT NULL,
  PRIMARY KEY (customer_id, id)
);
-- the history reads one customer's latest entries
CREATE INDEX monetize_wallet_entries_customer_seq ON monetize_wallet_entries (customer_id, seq DESC);

-- The plan each customer is on from a point in time: invoices prorate by it.
CREATE TABLE monetize_plan_changes (
  customer_id text NOT NULL,
  since       timestamptz NOT NULL,
  seq         bigserial NOT NULL,
  plan        text NOT NULL,
  PRIMARY KEY (customer_id, since, seq)
);
