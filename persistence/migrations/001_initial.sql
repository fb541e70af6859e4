-- Doorbuster's PostgreSQL schema, version 1. Never edit an applied
-- migration: add a new numbered file instead.

CREATE TABLE products (
  sku         text PRIMARY KEY,
  name        text NOT NULL,
  description text NOT NULL,
  category    text NOT NULL,
  price       bigint NOT NULL,      -- minor units of currency
  currency    char(3) NOT NULL,
  stock       bigint NOT NULL CHECK (stock >= 0),
  version     bigint NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category ON products (category, sku);

CREATE TABLE orders (
  order_id        bigint PRIMARY KEY,
  sku             text NOT NULL,
  quantity        bigint NOT NULL CHECK (quantity > 0),
  customer_id     text NOT NULL,
  idempotency_key text,
  unit_price      bigint NOT NULL,
  currency        char(3) NOT NULL,
  stock_after     bigint NOT NULL,  -- the answer's "remaining"
  created_at      timestamptz NOT NULL
);
CREATE INDEX orders_sku ON orders (sku, order_id);
CREATE INDEX orders_idempotency ON orders (sku, order_id)
  WHERE idempotency_key IS NOT NULL;

-- The last journal record applied, per node, updated in the same
-- transaction as the records: each batch is applied exactly once.
CREATE TABLE flush_watermark (
  node_id    text PRIMARY KEY,
  last_seq   bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
