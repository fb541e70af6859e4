-- POST a purchase of one unit of the hot SKU (path given on the command
-- line), each request by another buyer: named in X-Authenticated-User as an
-- authenticating gateway would (a node started with
-- http.identity-header=X-Authenticated-User and the gateway's address in
-- http.trusted-proxies counts each against its own budget), and in the
-- body's customer_id for a node without a gateway. With BENCH_PRODUCTS set,
-- each purchase goes instead to a uniformly random SKU of a catalog that
-- size (SKU-000001...): with a million products most of them are at rest,
-- so most purchases wake their product.
local products = tonumber(os.getenv("BENCH_PRODUCTS") or "0")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  local buyer = "buyer-" .. counter
  local path = nil
  if products > 0 then
    path = string.format("/v1/products/SKU-%06d/purchase",
                         math.random(1, products))
  end
  wrk.headers["X-Authenticated-User"] = buyer
  return wrk.format(nil, path, nil,
                    '{"quantity":1,"customer_id":"' .. buyer .. '"}')
end
