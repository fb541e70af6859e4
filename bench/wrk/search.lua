-- GET /v1/products with limit=50: searches (q) drawn from words of the
-- bench's catalog names, some that match nothing, and category listings
-- (cat-N, as bench/million's catalog has), one with a search as well; each
-- request by another client (X-Authenticated-User, as in purchase.lua), so
-- the per-client search budget does not refuse them.
local queries = { "q=deluxe", "q=lamp", "q=speaker%2012", "q=zzz",
                  "q=ultra%20drone", "q=eco%20k", "q=ss%20hea", "q=wireless",
                  "q=turbo%20camera%209", "q=qqq", "category=cat-7",
                  "category=cat-23", "category=cat-31&q=lamp" }
local counter = 0
request = function()
  counter = counter + 1
  local query = queries[(counter % #queries) + 1]
  wrk.headers["X-Authenticated-User"] = "searcher-" .. counter
  return wrk.format("GET", "/v1/products?limit=50&" .. query)
end
