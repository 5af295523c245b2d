-- Prepaid balances in micro-units, for deployments whose limits are in memory (no Redis): the balance
-- is charged here on every prepaid call (one conditional UPDATE) and survives restarts; every node on
-- the database shares it. The entries applied to a balance (top-ups, deductions, refunds) are kept by
-- id so that one applied twice moves nothing (the wallet history keeps its own record of top-ups).
CREATE TABLE monetize_credit_balances (
    key text PRIMARY KEY,
    balance bigint NOT NULL CHECK (balance >= 0)
);

CREATE TABLE monetize_credit_entries (
    key text NOT NULL,
    entry_id text NOT NULL,
    delta bigint NOT NULL,
    balance_after bigint NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key, entry_id)
);
