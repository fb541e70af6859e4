-- Version 5: a cluster node that was counted gone (frozen, or cut off from
-- PostgreSQL, longer than its lease) rejoins under a new generation; the
-- generations it had before stay its own, so that peers still route the
-- reservations it made under them to it.
ALTER TABLE cluster_nodes ADD COLUMN earlier_generations bigint[] NOT NULL
  DEFAULT '{}';
