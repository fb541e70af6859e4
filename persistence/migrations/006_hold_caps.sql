-- Version 6: what keeps one client from hoarding a sale. A product may cap
-- how long a reservation holds it (max_hold_s, 0: the node's maximum); a
-- hold remembers who asked for it (holder: the client's identity or
-- address) and when it was placed, so that the per-client cap of live
-- reservations and the product's maximum survive a restart.
ALTER TABLE products ADD COLUMN max_hold_s bigint NOT NULL DEFAULT 0
  CHECK (max_hold_s >= 0);
ALTER TABLE holds ADD COLUMN holder text NOT NULL DEFAULT '';
ALTER TABLE holds ADD COLUMN placed_at timestamptz;
