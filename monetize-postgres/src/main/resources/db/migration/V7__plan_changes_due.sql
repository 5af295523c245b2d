-- Scheduled plan changes come due by time, across customers: the sweep reads them by `since`.
CREATE INDEX monetize_plan_changes_since ON monetize_plan_changes (since);
