#!/usr/bin/env python3
"""Local BigQuery benchmark (driven by scripts/bench-bigquery.sh).

Generates seeded order events (NDJSON, gzip) and a customers table, loads them into a running
`terrace local serve` through its Cloud Storage and BigQuery load jobs, runs three GoogleSQL
queries through `jobs.query`, and runs the same SQL text in DuckDB over the same files. The
results must be equal (after normalising number formats) before any time is printed.

Fairness: both sides load the same NDJSON.gz file into their own on-disk store first (the local
cloud: a load job into SQLite; DuckDB: CREATE TABLE ... AS SELECT * FROM read_json(...) into a
database file), and that load is timed on both sides; the queries are then timed over the loaded
tables. Local times are wall clock around the HTTP request (so they include the JSON answer);
DuckDB's around `execute(...).fetchall()` in this process, with DuckDB's default thread count.

Amounts are multiples of 0.25, so every FLOAT64 sum is exact whatever the summation order and
the two engines' sums can be compared with ==.
"""
import argparse
import datetime as dt
import gzip
import http.client
import json
import os
import random
import statistics
import sys
import time
import urllib.parse

PROJECT = "terrace-bench"
DATASET = "bench"
BUCKET = "terrace-bench-bq"

ORDERS_SCHEMA = [
    ("event_id", "INTEGER", "BIGINT"),
    ("customer_id", "INTEGER", "BIGINT"),
    ("sku", "STRING", "VARCHAR"),
    ("amount", "FLOAT", "DOUBLE"),
    ("event_time", "TIMESTAMP", "TIMESTAMP"),
]
CUSTOMERS_SCHEMA = [
    ("customer_id", "INTEGER", "BIGINT"),
    ("country", "STRING", "VARCHAR"),
]

# The same SQL text runs on both engines: tables are `bench.orders` and `bench.customers` in both.
QUERIES = [
    ("group-by", "per customer, top 20", """
SELECT customer_id, COUNT(*) AS orders, SUM(amount) AS revenue, MAX(event_time) AS last_order
FROM bench.orders
GROUP BY customer_id
ORDER BY revenue DESC, customer_id
LIMIT 20
""".strip()),
    ("join", "revenue per country", """
SELECT c.country, COUNT(*) AS orders, SUM(o.amount) AS revenue
FROM bench.orders AS o
JOIN bench.customers AS c ON o.customer_id = c.customer_id
GROUP BY c.country
ORDER BY revenue DESC, c.country
""".strip()),
    ("window dedup", "ROW_NUMBER, QUALIFY", """
SELECT COUNT(*) AS events, SUM(amount) AS revenue, MIN(event_time) AS first_event, MAX(event_time) AS last_event
FROM (
  SELECT event_id, amount, event_time
  FROM bench.orders
  WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY event_time DESC) = 1
)
""".strip()),
]

COUNTRIES = ["US", "DE", "GB", "FR", "JP", "BR", "IN", "CA", "AU", "ES", "IT", "NL", "SE", "PL", "MX",
             "KR", "CH", "BE", "AT", "NO", "DK", "FI", "IE", "PT", "NZ"]


def fail(message):
    print(f"bench-bigquery: {message}", file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------------------------------------
# Data

def generate(work, rows, customers, seed):
    """Writes orders.ndjson.gz (rows lines, ~5% duplicate event_ids) and customers.ndjson.gz."""
    rng = random.Random(seed)
    duplicates = rows // 20
    unique = rows - duplicates
    start = int(dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc).timestamp())
    year = 366 * 86400 - 3600 * 2  # leaves room for a duplicate's later time inside 2024
    customer_span = customers + customers // 100  # ~1% of orders name a customer that does not exist

    def stamp(seconds):
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))

    base = []
    for event_id in range(1, unique + 1):
        base.append((event_id, rng.randint(1, customer_span), rng.randrange(1000), rng.randint(4, 40000), start + rng.randrange(year)))
    lines = [f'{{"event_id":{e},"customer_id":{c},"sku":"SKU-{s:04d}","amount":{a / 4!r},"event_time":"{stamp(t)}"}}'
             for e, c, s, a, t in base]
    # Re-deliveries: the same event_id later (1 s to 1 h), with another amount; never a tie on time.
    for index in rng.sample(range(unique), duplicates):
        e, c, s, _, t = base[index]
        lines.append(f'{{"event_id":{e},"customer_id":{c},"sku":"SKU-{s:04d}","amount":{rng.randint(4, 40000) / 4!r},'
                     f'"event_time":"{stamp(t + rng.randint(1, 3600))}"}}')
    rng.shuffle(lines)
    orders = os.path.join(work, "orders.ndjson.gz")
    with gzip.open(orders, "wt", compresslevel=6) as out:
        out.write("\n".join(lines))
        out.write("\n")
    customers_path = os.path.join(work, "customers.ndjson.gz")
    weights = [1 / (i + 1) for i in range(len(COUNTRIES))]
    chosen = rng.choices(COUNTRIES, weights=weights, k=customers)
    with gzip.open(customers_path, "wt", compresslevel=6) as out:
        for customer_id, country in enumerate(chosen, start=1):
            out.write(f'{{"customer_id":{customer_id},"country":"{country}"}}\n')
    return orders, customers_path


# ---------------------------------------------------------------------------------------------
# The local cloud

class Local:
    def __init__(self, base_url):
        parsed = urllib.parse.urlparse(base_url)
        self.host, self.port = parsed.hostname, parsed.port

    def request(self, method, path, body=None, content_type="application/json", expect=(200,)):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=3600)
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        headers = {"Content-Type": content_type} if body is not None else {}
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        if response.status not in expect:
            fail(f"{method} {path} answered HTTP {response.status}: {data[:2000].decode(errors='replace')}")
        return json.loads(data) if data else {}

    def upload(self, path, name):
        with open(path, "rb") as source:
            body = source.read()
        query = urllib.parse.urlencode({"uploadType": "media", "name": name})
        self.request("POST", f"/upload/storage/v1/b/{BUCKET}/o?{query}", body, "application/octet-stream")

    def load(self, uri, table, schema):
        body = {"configuration": {"load": {
            "sourceUris": [uri], "sourceFormat": "NEWLINE_DELIMITED_JSON",
            "schema": {"fields": [{"name": n, "type": t, "mode": "NULLABLE"} for n, t, _ in schema]},
            "destinationTable": {"projectId": PROJECT, "datasetId": DATASET, "tableId": table},
            "writeDisposition": "WRITE_TRUNCATE", "createDisposition": "CREATE_IF_NEEDED",
        }}}
        started = time.perf_counter()
        job = self.request("POST", f"/bigquery/v2/projects/{PROJECT}/jobs", body)
        reference = job.get("jobReference", {})
        while job.get("status", {}).get("state") != "DONE":
            time.sleep(0.05)
            job = self.request("GET", f"/bigquery/v2/projects/{PROJECT}/jobs/{reference['jobId']}?location={reference.get('location', 'US')}")
        elapsed = time.perf_counter() - started
        if job["status"].get("errorResult"):
            fail(f"load of {uri} into {table} failed: {json.dumps(job['status'])}")
        output = int(job.get("statistics", {}).get("load", {}).get("outputRows", "-1"))
        return elapsed, output

    def query(self, sql):
        body = {"query": sql, "useLegacySql": False, "formatOptions": {"useInt64Timestamp": True}, "timeoutMs": 3_600_000}
        started = time.perf_counter()
        answer = self.request("POST", f"/bigquery/v2/projects/{PROJECT}/queries", body, expect=(200, 400, 500, 501))
        elapsed = time.perf_counter() - started
        if "error" in answer:
            fail(f"the local engine rejected a query:\n{sql}\n-> {json.dumps(answer['error'])}")
        rows = list(answer.get("rows", []))
        token = answer.get("pageToken")
        job = answer["jobReference"]["jobId"]
        while token:  # not expected (the queries answer small results), but never drop rows
            page = self.request("GET", f"/bigquery/v2/projects/{PROJECT}/queries/{job}?pageToken={token}&formatOptions.useInt64Timestamp=true")
            rows += page.get("rows", [])
            token = page.get("pageToken")
        fields = answer["schema"]["fields"]
        return elapsed, [tuple(normalise_cell(cell["v"], field["type"]) for cell, field in zip(row["f"], fields)) for row in rows]


def normalise_cell(value, type_name):
    """A local answer's cell as a Python value: INT64 → int, FLOAT64 (Java-style text) → float,
    TIMESTAMP (useInt64Timestamp) → int microseconds."""
    if value is None:
        return None
    if type_name in ("INTEGER", "INT64", "TIMESTAMP"):
        return int(value)
    if type_name in ("FLOAT", "FLOAT64"):
        return float(value)
    return value


EPOCH = dt.datetime(1970, 1, 1)


def normalise_duck(value):
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return (value - EPOCH) // dt.timedelta(microseconds=1)
    return value


# ---------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--server-pid", type=int)
    parser.add_argument("--work", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--runs", type=int, default=3, help="query runs per engine; the median is reported")
    args = parser.parse_args()

    import duckdb

    print(f"bench-bigquery: generating {args.rows:,} order events and {args.customers:,} customers (seed {args.seed})", flush=True)
    started = time.perf_counter()
    orders_path, customers_path = generate(args.work, args.rows, args.customers, args.seed)
    print(f"bench-bigquery: generated in {time.perf_counter() - started:.1f} s; orders.ndjson.gz is "
          f"{os.path.getsize(orders_path) / 1e6:.1f} MB", flush=True)

    # Local cloud: bucket, objects, dataset, loads.
    local = Local(args.base_url)
    local.request("POST", f"/storage/v1/b?project={PROJECT}", {"name": BUCKET})
    local.upload(orders_path, "orders.ndjson.gz")
    local.upload(customers_path, "customers.ndjson.gz")
    local.request("POST", f"/bigquery/v2/projects/{PROJECT}/datasets",
                  {"datasetReference": {"projectId": PROJECT, "datasetId": DATASET}})
    print("bench-bigquery: loading into the local cloud", flush=True)
    local_load, loaded = local.load(f"gs://{BUCKET}/orders.ndjson.gz", "orders", ORDERS_SCHEMA)
    if loaded != args.rows:
        fail(f"the local orders load reported {loaded} output rows, expected {args.rows}")
    local_customers, loaded = local.load(f"gs://{BUCKET}/customers.ndjson.gz", "customers", CUSTOMERS_SCHEMA)
    if loaded != args.customers:
        fail(f"the local customers load reported {loaded} output rows, expected {args.customers}")
    rss_after_load = peak_rss(args.server_pid)

    # DuckDB: the same files into a database file.
    duck = duckdb.connect(os.path.join(args.work, "engine.duckdb"))
    duck.execute("CREATE SCHEMA bench")

    def duck_load(table, path, schema):
        columns = ", ".join(f"{n}: '{d}'" for n, _, d in schema)
        started = time.perf_counter()
        duck.execute(f"CREATE TABLE bench.{table} AS SELECT * FROM read_json('{path}', format = 'newline_delimited', "
                     f"columns = {{{columns}}}, timestampformat = '%Y-%m-%d %H:%M:%S UTC')")
        duck.execute("CHECKPOINT")
        elapsed = time.perf_counter() - started
        count = duck.execute(f"SELECT COUNT(*) FROM bench.{table}").fetchone()[0]
        return elapsed, count

    print("bench-bigquery: loading into DuckDB", flush=True)
    duck_orders, count = duck_load("orders", orders_path, ORDERS_SCHEMA)
    if count != args.rows:
        fail(f"DuckDB loaded {count} orders, expected {args.rows}")
    duck_load("customers", customers_path, CUSTOMERS_SCHEMA)
    threads = duck.execute("SELECT current_setting('threads')").fetchone()[0]

    results = []
    for name, what, sql in QUERIES:
        local_times, duck_times = [], []
        local_rows = duck_rows = None
        for _ in range(args.runs):
            elapsed, rows = local.query(sql)
            local_times.append(elapsed)
            if local_rows is not None and rows != local_rows:
                fail(f"{name}: the local engine answered differently on a second run")
            local_rows = rows
            started = time.perf_counter()
            rows = duck.execute(sql).fetchall()
            duck_times.append(time.perf_counter() - started)
            duck_rows = [tuple(normalise_duck(v) for v in row) for row in rows]
        if local_rows != duck_rows:
            report = [f"{name}: the local engine and DuckDB disagree ({len(local_rows)} vs {len(duck_rows)} rows)", sql]
            for index in range(max(len(local_rows), len(duck_rows))):
                a = local_rows[index] if index < len(local_rows) else None
                b = duck_rows[index] if index < len(duck_rows) else None
                if a != b:
                    report.append(f"  row {index}: local {a!r} duckdb {b!r}")
            fail("\n".join(report))
        if not local_rows:
            fail(f"{name}: no rows")
        print(f"bench-bigquery: {name}: {len(local_rows)} rows, equal on both engines; first {local_rows[0]!r}", flush=True)
        results.append((name, what, statistics.median(local_times), statistics.median(duck_times)))

    peak = peak_rss(args.server_pid)
    rows = args.rows
    print()
    print(f"Local BigQuery vs DuckDB {duckdb.__version__} ({threads} threads), {rows:,} NDJSON.gz order events "
          f"(~5% duplicate event_ids), {args.customers:,} customers; query times are the median of {args.runs} runs")
    print()
    print(f"| {'step':<42} | {'local s':>9} | {'DuckDB s':>9} | {'local/DuckDB':>12} |")
    print(f"| {'-' * 42} | {'-' * 8}: | {'-' * 8}: | {'-' * 11}: |")
    print(f"| {'load orders (NDJSON gzip, ' + format(rows, ',') + ' rows)':<42} | {local_load:>9.2f} | {duck_orders:>9.2f} | {local_load / duck_orders:>11.1f}x |")
    for name, what, local_s, duck_s in results:
        label = f"{name} ({what})"
        print(f"| {label:<42} | {local_s:>9.3f} | {duck_s:>9.3f} | {local_s / duck_s:>11.1f}x |")
    print()
    print(f"Load rate: local {rows / local_load:,.0f} rows/s, DuckDB {rows / duck_orders:,.0f} rows/s "
          f"(customers, {args.customers:,} rows: local {local_customers:.2f} s)")
    if peak:
        print(f"Peak RSS of terrace local serve: {peak / 1024:.0f} MB ({rss_after_load / 1024:.0f} MB by the end of the loads)")


def peak_rss(pid):
    if not pid:
        return 0
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    main()
