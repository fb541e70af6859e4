#!/usr/bin/env python3
"""Latency of the first request to products at rest, and of the same
request again once their actors run: one keep-alive connection, one
request at a time. The request is a purchase of more than the product has
(409 insufficient_stock): the product actor is woken and answers, and
nothing is journaled, so no fsync hides the activation.

  first_requests.py PORT FIRST COUNT QUANTITY
prints "first_p50_ms first_p99_ms again_p50_ms again_p99_ms" for
SKU-FIRST ... SKU-(FIRST+COUNT-1).
"""
import http.client
import sys
import time


def quantile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def run(conn, skus, quantity):
    times = []
    for n, sku in enumerate(skus):
        buyer = "first-%d-%d" % (time.monotonic_ns(), n)
        body = '{"quantity":%d,"customer_id":"%s"}' % (quantity, buyer)
        start = time.perf_counter()
        conn.request("POST", "/v1/products/%s/purchase" % sku, body,
                     {"Content-Type": "application/json",
                      "X-Authenticated-User": buyer})
        res = conn.getresponse()
        res.read()
        times.append((time.perf_counter() - start) * 1000)
        if res.status != 409:
            sys.exit("%s: expected 409, got %d" % (sku, res.status))
    return times


def main():
    port, first, count, quantity = (int(a) for a in sys.argv[1:5])
    skus = ["SKU-%06d" % i for i in range(first, first + count)]
    conn = http.client.HTTPConnection("127.0.0.1", port)
    woken = run(conn, skus, quantity)
    again = run(conn, skus, quantity)
    print("%.3f %.3f %.3f %.3f" % (quantile(woken, 0.5), quantile(woken, 0.99),
                                   quantile(again, 0.5), quantile(again, 0.99)))


main()
