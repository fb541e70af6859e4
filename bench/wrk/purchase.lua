-- POST a purchase of one unit of the hot SKU (path given on the command
-- line), each request by another buyer: named in X-Authenticated-User as an
-- authenticating gateway would (a node started with
-- http.identity-header=X-Authenticated-User and the gateway's address in
-- http.trusted-proxies counts each against its own budget), and in the
-- body's customer_id for a node without a gateway.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  local buyer = "buyer-" .. counter
  wrk.headers["X-Authenticated-User"] = buyer
  return wrk.format(nil, nil, nil,
                    '{"quantity":1,"customer_id":"' .. buyer .. '"}')
end
