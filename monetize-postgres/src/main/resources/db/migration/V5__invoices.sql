-- Final invoices, immutable, numbered per issuer at finalization: the counter row is taken with
-- UPDATE ... RETURNING in the transaction that inserts the invoice, so concurrent finalizations
-- wait for each other and a rolled-back one gives its number back (no gaps).
CREATE TABLE monetize_invoice_numbers (
  issuer text PRIMARY KEY,
  last   bigint NOT NULL
);
INSERT INTO monetize_invoice_numbers (issuer, last) VALUES ('default', 0);

CREATE TABLE monetize_invoices (
  number       text PRIMARY KEY,
  seq          bigint NOT NULL UNIQUE,
  customer_id  text NOT NULL,
  period_start timestamptz NOT NULL,
  period_end   timestamptz NOT NULL,
  currency     text NOT NULL,
  total        numeric(30, 6) NOT NULL,
  amount_due   numeric(30, 6) NOT NULL,
  body         text NOT NULL,
  finalized_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (customer_id, period_start)
);
