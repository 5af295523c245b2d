-- The audit trail: append-only, one hash chain per tenant. The store links each event to its
-- chain's head in the transaction that inserts it (the head row is locked), so any number of
-- writers and nodes extend one valid chain per tenant. `event` is the event's canonical JSON, hash
-- included, exactly as exported; the other columns are there to be searched.
CREATE TABLE monetize_audit (
  position    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  chain       text NOT NULL,
  seq         bigint NOT NULL,
  customer_id text,
  time        timestamptz NOT NULL,
  operation   text NOT NULL,
  status      integer NOT NULL,
  hash        text NOT NULL,
  event       text NOT NULL,
  UNIQUE (chain, seq)
);
-- a tenant's trail by time, and its pages in insertion order (keyset on position, never a sort)
CREATE INDEX monetize_audit_customer_time ON monetize_audit (customer_id, time);
CREATE INDEX monetize_audit_customer_position ON monetize_audit (customer_id, position);
CREATE INDEX monetize_audit_time ON monetize_audit (time);

CREATE TABLE monetize_audit_heads (
  chain   text PRIMARY KEY,
  segment text NOT NULL,
  seq     bigint NOT NULL,
  hash    text NOT NULL
);

-- Append-only: rows are never changed or removed through the application's connection. Retention
-- is the owner's decision, taken deliberately (ALTER TABLE ... DISABLE TRIGGER, then DELETE).
CREATE FUNCTION monetize_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'monetize_audit is append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER monetize_audit_no_change BEFORE UPDATE OR DELETE ON monetize_audit
  FOR EACH ROW EXECUTE FUNCTION monetize_audit_append_only();
CREATE TRIGGER monetize_audit_no_truncate BEFORE TRUNCATE ON monetize_audit
  FOR EACH STATEMENT EXECUTE FUNCTION monetize_audit_append_only();
