-- Version 4: what an auditor needs to prove that no two nodes ever served
-- one shard at once. Every order committed under a lease records the
-- lease's epoch and the moment it was written (by PostgreSQL's clock,
-- after the lease row was locked); every take and release records the
-- owner's generation. An order of epoch e must then lie between the take
-- of e and the next take of its shard, by a node of the generation in its
-- id. Rows written before this version (or by a single node) have NULLs.
ALTER TABLE orders ADD COLUMN shard_epoch bigint,
  ADD COLUMN committed_at timestamptz;
ALTER TABLE orders ALTER COLUMN committed_at SET DEFAULT clock_timestamp();
ALTER TABLE shard_history ADD COLUMN generation bigint;
