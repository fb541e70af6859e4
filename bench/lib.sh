# Shared by the bench/ scripts (sourced, not run).

# The node as it runs behind an authenticating gateway on this host, which
# the load generator (wrk, doorbuster-loadgen) stands for: it names each
# buyer in X-Authenticated-User, so that the rate limit and the hold cap
# count buyers and not the one address they all come from.
GATEWAY_FLAGS="--http.trusted-proxies=127.0.0.1 --http.identity-header=X-Authenticated-User"

# wrk output -> "req_per_s p50_ms p99_ms non2xx requests"
measure() {
  wrk -t1 -c64 -d"$DURATION" --latency "$@" | awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { bad = $NF } /Requests\/sec/ { rps = $2 } / requests in / { n = $1 }
    END { printf "%.0f %.2f %.2f %d %d\n", rps, p50, p99, bad, n }'
}

# cpu_ticks pid... : CPU time (user + system, in clock ticks) the processes
# have used so far, all their threads together
cpu_ticks() {
  local t=0 p
  for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done
  echo "$t"
}

# measure_cpu "pid..." wrk-args... : measure's line, then the microseconds
# of CPU the processes spent per request during it
measure_cpu() {
  local pids=$1 before line after
  shift
  before=$(cpu_ticks $pids)
  line=$(measure "$@")
  after=$(cpu_ticks $pids)
  awk -v line="$line" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN { split(line, f, " "); printf "%s %.1f\n", line, (f[5] > 0 ? t * 1e6 / hz / f[5] : 0) }'
}

# start_nginx work-dir port : nginx (bench/nginx.conf.in) serving
# work-dir/www/product.json, which the caller wrote, on 127.0.0.1:port until
# the caller kills the pid in work-dir/nginx.pid; sets nginx_pids to its
# master and workers
start_nginx() {
  chmod 755 "$1" "$1/www" # nginx workers run as www-data
  chmod 644 "$1/www/product.json"
  sed -e "s|@DIR@|$1|g" -e "s|@PORT@|$2|g" "$here/nginx.conf.in" > "$1/nginx.conf"
  nginx -c "$1/nginx.conf" &
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$2/product.json" && break; sleep 0.1; done
  local master
  master=$(cat "$1/nginx.pid")
  nginx_pids="$master $(pgrep -P "$master" | tr '\n' ' ')"
}

# fsync_floor dir : "p50 p99" in ms of fdatasync after a 200-byte append,
# 2,000 times in a row in a file in dir: the least a durable write waits
fsync_floor() {
  python3 - "$1" <<'PY'
import os, sys, time
path = os.path.join(sys.argv[1], "fsync-floor")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
waits = []
for _ in range(2000):
    os.write(fd, b"x" * 200)
    t = time.perf_counter()
    os.fdatasync(fd)
    waits.append(time.perf_counter() - t)
os.close(fd)
os.unlink(path)
waits.sort()
print(f"{waits[len(waits) // 2] * 1e3:.2f} {waits[len(waits) * 99 // 100] * 1e3:.2f}")
PY
}

# steal_ticks : CPU time the hypervisor gave to others while this machine's
# threads were ready to run (all CPUs, clock ticks, since boot)
steal_ticks() { awk '/^cpu / { print $9 }' /proc/stat; }

# median of column $1 of file $2
median() { sort -n -k"$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'; }

# ratio a b -> "1.23x"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

# ensure_packages pkg... : installs the Debian packages that are missing
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# write_section RESULTS.md section-file : replaces the section with the same
# "## " heading (the file's first line), or appends it
write_section() {
  python3 - "$1" "$2" <<'PY'
import re, sys
path, section = sys.argv[1], open(sys.argv[2]).read()
head = section.splitlines()[0]
text = open(path).read() if __import__("os").path.exists(path) else "# Benchmark results\n"
pattern = re.compile(re.escape(head) + r".*?(?=^## |\Z)", re.S | re.M)
text = pattern.sub(lambda m: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
}
