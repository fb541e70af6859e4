-- Version 2: reservations, multi-item orders, purchase limits and sale
-- windows.

ALTER TABLE products
  ADD COLUMN reserved bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  ADD COLUMN max_per_order bigint NOT NULL DEFAULT 0,    -- 0: no limit
  ADD COLUMN max_per_customer bigint NOT NULL DEFAULT 0, -- 0: no limit
  ADD COLUMN sale_starts_at timestamptz,
  ADD COLUMN sale_ends_at timestamptz,
  ADD COLUMN paused boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT products_reserved_on_hand CHECK (reserved <= stock);

-- From now on orders.stock_after is the units available (stock minus
-- reserved) after the sale, as the answer's "remaining" says.
-- The checkout (reservation or multi-item order) a line was sold for.
-- checkout_kind: 1 a reservation, 2 a multi-item order.
ALTER TABLE orders ADD COLUMN checkout_id bigint,
  ADD COLUMN checkout_kind smallint;
CREATE INDEX orders_checkout ON orders (checkout_id)
  WHERE checkout_id IS NOT NULL;
CREATE INDEX orders_customer ON orders (sku, customer_id);

-- Units held for a checkout that is neither sold nor released yet.
-- order_id is set once the checkout decided to sell, before the sale.
CREATE TABLE holds (
  checkout_id     bigint NOT NULL,
  sku             text NOT NULL,
  customer_id     text NOT NULL,
  quantity        bigint NOT NULL CHECK (quantity > 0),
  expires_at      timestamptz NOT NULL,
  kind            smallint NOT NULL,   -- 1 reservation, 2 order
  idempotency_key text,
  order_id        bigint,
  PRIMARY KEY (checkout_id, sku)
);
CREATE INDEX holds_sku ON holds (sku, customer_id);
