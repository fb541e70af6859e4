#!/usr/bin/env python3
"""How long a shard cannot take writes while it moves between nodes.

Buyers purchase every SKU in turn through nodes that stay up (one keep-alive
connection each), recording each request's latency. Meanwhile one more node
joins (it receives shards) and later drains on SIGTERM (it hands them back),
EVENTS times each. For every SKU whose shard changed owner during an event,
the longest purchase in that event's window is the shard's write
unavailability as a client sees it (requests wait, then go to the new
owner). Prints JSON: p50/p99/max of those, moves counted, non-201 answers.

  move_window.py --ports 8081,8082 --pg URI --skus SKU... --start CMD ...
"""
import argparse, http.client, json, shlex, signal, subprocess, sys, threading, time


def owners(pg):
    out = subprocess.run(["psql", "-qtA", pg, "-c",
                          "SELECT shard, coalesce(owner, '') FROM shard_lease"],
                         check=True, capture_output=True, text=True).stdout
    return dict(line.split("|") for line in out.split())


def shard_of(sku, shards):
    h = 14695981039346656037
    for c in sku.encode():
        h ^= c
        h = (h * 1099511628211) % (1 << 64)
    return str(h % shards)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ports", required=True)
    ap.add_argument("--pg", required=True)
    ap.add_argument("--shards", type=int, default=256)
    ap.add_argument("--skus", nargs="+", required=True)
    ap.add_argument("--start", required=True, help="command starting the extra node")
    ap.add_argument("--ready", required=True, help="its /readyz URL")
    ap.add_argument("--events", type=int, default=3)
    ap.add_argument("--threads", type=int, default=8)
    a = ap.parse_args()
    ports = [int(p) for p in a.ports.split(",")]
    records = []  # (sku, start, latency, status)
    lock = threading.Lock()
    stop = threading.Event()

    def buyer(i):
        conns = [http.client.HTTPConnection("127.0.0.1", p, timeout=10) for p in ports]
        n = 0
        while not stop.is_set():
            sku = a.skus[(n * a.threads + i) % len(a.skus)]
            conn = conns[n % len(conns)]
            n += 1
            body = json.dumps({"quantity": 1, "customer_id": "mover%d" % i})
            t0 = time.monotonic()
            try:
                conn.request("POST", "/v1/products/%s/purchase" % sku, body,
                             {"Content-Type": "application/json",
                              "Idempotency-Key": "mv-%d-%d" % (i, n)})
                r = conn.getresponse()
                r.read()
                status = r.status
            except Exception:
                status = 0
                conns[(n - 1) % len(conns)] = http.client.HTTPConnection(
                    "127.0.0.1", ports[(n - 1) % len(ports)], timeout=10)
            with lock:
                records.append((sku, t0, time.monotonic() - t0, status))

    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(a.threads)]
    for t in threads:
        t.start()
    time.sleep(1)
    windows = []  # (start, end, moved shards)

    def settle(expect_owner_count):
        for _ in range(400):
            o = owners(a.pg)
            if all(v for v in o.values()) and len(set(o.values())) == expect_owner_count:
                return o
            time.sleep(0.05)
        return owners(a.pg)

    base = len(set(owners(a.pg).values()))
    for _ in range(a.events):
        for action in ("join", "drain"):
            before = owners(a.pg)
            t0 = time.monotonic()
            if action == "join":
                proc = subprocess.Popen(shlex.split(a.start), stderr=subprocess.DEVNULL)
                after = settle(base + 1)
            else:
                proc.send_signal(signal.SIGTERM)
                proc.wait()
                after = settle(base)
            time.sleep(0.3)  # let waiting requests finish
            moved = {s for s in before if before[s] != after.get(s)}
            windows.append((t0, time.monotonic(), moved))
            time.sleep(1)
    stop.set()
    for t in threads:
        t.join()
    worst = []
    for (t0, t1, moved) in windows:
        per = {}
        for (sku, start, lat, status) in records:
            if t0 <= start <= t1 and shard_of(sku, a.shards) in moved:
                per[sku] = max(per.get(sku, 0), lat)
        worst.extend(per.values())
    worst.sort()
    q = lambda p: round(worst[min(len(worst) - 1, int(p * len(worst)))] * 1000, 1) if worst else None
    statuses = {}
    for r in records:
        statuses[r[3]] = statuses.get(r[3], 0) + 1
    print(json.dumps({"moves": len(windows), "shards_moved": sum(len(w[2]) for w in windows),
                      "skus_measured": len(worst), "p50_ms": q(0.5), "p99_ms": q(0.99),
                      "max_ms": q(1.0), "requests": len(records),
                      "statuses": {str(k): v for k, v in statuses.items()}}))


if __name__ == "__main__":
    sys.exit(main())
