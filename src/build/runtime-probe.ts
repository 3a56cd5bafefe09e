/**
 * The program `whittle bench-runtime` runs with each image's own Python (`python3 -c PROBE RUNS`): how the
 * interpreter was built, how long it takes to start, and how fast it runs a fixed pure-Python workload. Everything
 * is timed inside the container, so the container's own start-up is not counted. It prints one JSON object.
 *
 * The workloads are small stand-ins for what Python services spend time on (function calls, dict and string work,
 * JSON, regular expressions, float arithmetic), each 10-40 ms on a current machine: enough to show the gap between
 * interpreter builds (profile-guided optimisation and link-time optimisation are worth 10-30%), short enough to
 * repeat.
 */
export const RUNTIME_PROBE = String.raw`
import json, re, subprocess, sys, sysconfig, time

runs = int(sys.argv[1])

def timed(fn):
    fn()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out

def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def calls():
    fib(26)

WORDS = ("the quick brown fox jumps over the lazy dog while a slow green turtle naps under an old oak tree " * 6000).split()

def text():
    counts = {}
    for w in WORDS:
        key = w.upper()[::-1]
        counts[key] = counts.get(key, 0) + 1
    "-".join(sorted(counts))

DOC = {"users": [{"id": i, "name": "user%d" % i, "tags": ["a", "b", "c"], "score": i * 1.5, "active": i % 2 == 0} for i in range(600)]}

def jsonwork():
    for _ in range(15):
        json.loads(json.dumps(DOC))

LOG = "\n".join("2024-05-%02d 12:%02d:%02d GET /api/items/%d?page=%d 200 %dms" % (i % 28 + 1, i % 60, i % 60, i, i % 7, i % 500) for i in range(3000))
PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (GET|POST) (\S+) (\d{3}) (\d+)ms$", re.M)

def regex():
    for _ in range(8):
        sum(int(m.group(6)) for m in PATTERN.finditer(LOG))

def floats():
    total = 0.0
    for y in range(120):
        for x in range(160):
            c = complex(-2.0 + x * 0.01875, -1.2 + y * 0.02)
            z = 0j
            for _ in range(40):
                z = z * z + c
                if abs(z) > 2.0:
                    break
            total += abs(z)

def start():
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return (time.perf_counter() - t) * 1000

starts = [start() for _ in range(runs + 1)][1:]
config = sysconfig.get_config_var("CONFIG_ARGS") or ""
print(json.dumps({
    "version": sys.version.split()[0],
    "implementation": sys.implementation.name,
    "executable": sys.executable,
    "configArgs": config,
    "compiler": sys.version.split("[", 1)[1].rstrip("]") if "[" in sys.version else "",
    "startupMs": starts,
    "workMs": {"calls": timed(calls), "text": timed(text), "json": timed(jsonwork), "regex": timed(regex), "floats": timed(floats)},
}))
`;
