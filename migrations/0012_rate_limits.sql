-- owner: platform (http rate limiting)
-- Fixed-window request counters shared by every app process: sign-ups and checkouts per client
-- address. One row per (bucket, key, window); a hit is one atomic upsert, so two app instances
-- count together. Old windows are pruned by the rate_limits_prune job.

CREATE TABLE rate_limit_counters (
  bucket       text NOT NULL,
  key          text NOT NULL,
  window_start timestamptz NOT NULL,
  hits         integer NOT NULL,
  PRIMARY KEY (bucket, key, window_start)
);
CREATE INDEX rate_limit_counters_window_idx ON rate_limit_counters (window_start);
