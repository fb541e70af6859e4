-- GET /v1/products/{sku} for uniformly random SKUs of the demo catalog.
-- The catalog size comes from the environment (BENCH_PRODUCTS).
local products = tonumber(os.getenv("BENCH_PRODUCTS") or "100000")
local counter = 0
request = function()
  counter = counter + 1
  local sku = string.format("SKU-%06d", math.random(1, products))
  return wrk.format("GET", "/v1/products/" .. sku)
end
