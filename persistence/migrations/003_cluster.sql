-- Version 3: a cluster. PostgreSQL is the authority for membership and
-- shard ownership: nodes register here, take shards by leases with fencing
-- epochs, and every acknowledged write of a shard commits fenced by its
-- lease (see docs/cluster.md).

-- Node generations: the high half of the ids a node mints, unique across
-- the cluster and across restarts.
CREATE SEQUENCE node_generation;

CREATE TABLE cluster_nodes (
  node_id         text PRIMARY KEY,
  generation      bigint NOT NULL UNIQUE,
  cluster_address text NOT NULL,       -- host:port its peers dial
  http_address    text NOT NULL,
  status          text NOT NULL,       -- joining, up, draining, left
  started_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  heartbeat_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- The fixed facts every node of the cluster must agree on.
CREATE TABLE cluster_settings (
  id     int PRIMARY KEY CHECK (id = 1),
  shards int NOT NULL CHECK (shards > 0)
);

-- One row per virtual shard. A lease is taken when it is free or expired
-- (by PostgreSQL's clock); every take increments the epoch, and writes are
-- committed only while (owner, owner_generation, epoch) still match.
CREATE TABLE shard_lease (
  shard            int PRIMARY KEY,
  owner            text,               -- node_id; NULL: free
  owner_generation bigint,
  epoch            bigint NOT NULL DEFAULT 0,
  expires_at       timestamptz NOT NULL DEFAULT '-infinity'
);

-- Every change of ownership, for operators.
CREATE TABLE shard_history (
  id      bigserial PRIMARY KEY,
  shard   int NOT NULL,
  node_id text NOT NULL,
  epoch   bigint NOT NULL,
  event   text NOT NULL,                -- acquired, released
  at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX shard_history_shard ON shard_history (shard, id);
