-- Tells the processes listening on channel monetize_keys (KeyWatch) the id of every API key updated
-- or deleted, when the change commits: a key revoked or rotated on one node stops working on every
-- node at once, instead of when each node's key cache entry expires. A trigger, so that an edit made
-- by hand (UPDATE monetize_api_keys SET raised_limits = ...) is told too.
CREATE OR REPLACE FUNCTION monetize_key_changed() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('monetize_keys', OLD.id);
  ELSE
    PERFORM pg_notify('monetize_keys', NEW.id);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER monetize_api_keys_changed AFTER UPDATE OR DELETE ON monetize_api_keys
  FOR EACH ROW EXECUTE FUNCTION monetize_key_changed();
