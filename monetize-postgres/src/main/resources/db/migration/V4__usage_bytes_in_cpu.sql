-- Request body bytes read and CPU time per usage record (0 in records written before this version).
ALTER TABLE monetize_usage
  ADD COLUMN bytes_in   bigint NOT NULL DEFAULT 0,
  ADD COLUMN cpu_micros bigint NOT NULL DEFAULT 0;
