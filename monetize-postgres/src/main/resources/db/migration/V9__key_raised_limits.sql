-- Which of a key's limit overrides the operator raised above its plan when the key was issued: only
-- those replace the organization's limit for the key. Every other override is a restriction counted on
-- the key besides its organization's limit, whatever plan the organization moves to later (before
-- this column, an override that a plan change left above the new plan was taken for a raise).
-- Keys issued before it have no raised limit: an operator grant above the plan made before this
-- version counts as a restriction until the key is issued again with it.
ALTER TABLE monetize_api_keys ADD COLUMN raised_limits text[] NOT NULL DEFAULT '{}';
