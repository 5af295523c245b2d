-- The key the audit trail's page cursors are sealed under (AuditCursor): one for every process of the
-- database, drawn once here. A cursor is then opaque: it does not tell how many events (other
-- organizations' among them) came between two pages, and a forged one is refused.
CREATE TABLE monetize_audit_cursor_key (
  id smallint PRIMARY KEY CHECK (id = 1),
  key bytea NOT NULL CHECK (length(key) = 16)
);
INSERT INTO monetize_audit_cursor_key (id, key)
  VALUES (1, decode(replace(gen_random_uuid()::text, '-', ''), 'hex'));
