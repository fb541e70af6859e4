-- GET /v1/products?q=... with queries drawn from words of the bench's
-- catalog names, some that match nothing, and limit=50; each request by
-- another client (X-Authenticated-User, as in purchase.lua), so the
-- per-client search budget does not refuse them.
local queries = { "deluxe", "lamp", "speaker 12", "zzz", "ultra drone",
                  "eco k", "ss hea", "wireless", "turbo camera 9", "qqq" }
local counter = 0
request = function()
  counter = counter + 1
  local q = queries[(counter % #queries) + 1]
  wrk.headers["X-Authenticated-User"] = "searcher-" .. counter
  return wrk.format("GET", "/v1/products?limit=50&q=" .. q:gsub(" ", "%%20"))
end
