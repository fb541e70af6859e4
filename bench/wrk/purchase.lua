-- POST a purchase of one unit of the hot SKU (path given on the command line).
wrk.method = "POST"
wrk.body = '{"quantity":1,"customer_id":"bench"}'
wrk.headers["Content-Type"] = "application/json"
