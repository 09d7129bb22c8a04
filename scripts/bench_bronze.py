"""Bronze ingestion benchmark: Terrace against dlt, same records, same fixture server, one after
the other on the same machine.

A fixture server (threads, HTTP/1.1 keep-alive) serves N generated cart line items as
pre-encoded JSON pages (`/line_items?page=P&page_size=1000` → {"items": [...], "total_pages": T}).
Terrace (`terrace-fixture run`, the real CLI over the test stack's `line_items` source) lands them
in the local cloud's lake and loads them into its bronze dataset; dlt (RESTClient with a
page-number paginator) loads them into DuckDB. Both answers are checked equal (row count and a
content hash over id, cart_id, product_id, quantity and price in cents) before the table of
records/s, peak memory and ratios is printed."""

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import bench_common  # scripts/bench_common.py

PAGE_SIZE = 1000


def generate_pages(count, seed):
    rng = random.Random(seed)
    titles = ["Apple", "Pear", "Bread", "Milk", "Cheese", "Coffee", "Tea", "Rice", "Pasta", "Olive Oil"]
    pages = []
    total_pages = (count + PAGE_SIZE - 1) // PAGE_SIZE
    item_id = 0
    cart_id = 0
    remaining_in_cart = 0
    for page in range(total_pages):
        items = []
        for _ in range(min(PAGE_SIZE, count - page * PAGE_SIZE)):
            if remaining_in_cart == 0:
                cart_id += 1
                remaining_in_cart = rng.randint(1, 8)
                user_id = rng.randint(1, max(10, count // 20))
                day = rng.randint(1, 365)
            remaining_in_cart -= 1
            item_id += 1
            product_id = rng.randint(1, 2000)
            price = round(rng.uniform(0.5, 200.0), 2)
            quantity = rng.randint(1, 5)
            discount = round(rng.uniform(0, 25), 2)
            total = round(price * quantity, 2)
            items.append({
                "id": item_id, "cart_id": cart_id, "user_id": user_id, "product_id": product_id,
                "title": titles[product_id % len(titles)] + f" #{product_id}", "price": price, "quantity": quantity,
                "total": total, "discount_percentage": discount, "discounted_total": round(total * (1 - discount / 100), 2),
                "created_at": f"2024-{(day - 1) // 31 % 12 + 1:02d}-{(day - 1) % 28 + 1:02d}T{rng.randint(0, 23):02d}:00:00Z",
            })
        body = json.dumps({"items": items, "page": page + 1, "page_size": PAGE_SIZE, "total_pages": total_pages},
                          separators=(",", ":")).encode()
        pages.append(body)
    empty = json.dumps({"items": [], "page": total_pages + 1, "page_size": PAGE_SIZE, "total_pages": total_pages}).encode()
    return pages, empty


def serve(pages, empty):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            url = urlparse(self.path)
            if url.path != "/line_items":
                self.send_error(404)
                return
            page = int(parse_qs(url.query).get("page", ["1"])[0])
            body = pages[page - 1] if 1 <= page <= len(pages) else empty
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def timed(command, env=None, cwd=None):
    """Runs a command; answers (seconds, peak RSS in MB, output) (bench_common.timed)."""
    return bench_common.timed(command, "bench-bronze", cwd=cwd, env=env)


def bigquery(base, project, sql):
    body = json.dumps({"query": sql, "useLegacySql": False, "timeoutMs": 60000, "maxResults": 200000}).encode()
    request = urllib.request.Request(f"{base}/bigquery/v2/projects/{project}/queries", data=body,
                                     headers={"Content-Type": "application/json"})
    answer = json.load(urllib.request.urlopen(request))
    rows = [[cell["v"] for cell in row["f"]] for row in answer.get("rows", [])]
    job = answer["jobReference"]["jobId"]
    token = answer.get("pageToken")
    while token:
        url = f"{base}/bigquery/v2/projects/{project}/queries/{job}?pageToken={token}&maxResults=200000"
        page = json.load(urllib.request.urlopen(url))
        rows += [[cell["v"] for cell in row["f"]] for row in page.get("rows", [])]
        token = page.get("pageToken")
    return rows


def server_peak_mb(pid):
    """The process's peak resident set so far (VmHWM), in MB, or '?'."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return "?"


def content_hash(rows):
    digest = hashlib.sha256()
    for row in sorted((int(r[0]), int(r[1]), int(r[2]), int(r[3]), round(float(r[4]) * 100)) for r in rows):
        digest.update(repr(row).encode())
    return digest.hexdigest()[:16]


DLT_SCRIPT = r'''
import sys, dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator

base, directory = sys.argv[1], sys.argv[2]

@dlt.resource(name="line_items", write_disposition="append")
def line_items():
    client = RESTClient(base_url=base, paginator=PageNumberPaginator(base_page=1, page_param="page", total_path="total_pages"))
    yield from client.paginate("/line_items", params={"page_size": 1000}, data_selector="items")

pipeline = dlt.pipeline(pipeline_name="bench_bronze", destination=dlt.destinations.duckdb(f"{directory}/bench.duckdb"),
                        dataset_name="bronze", pipelines_dir=f"{directory}/dlt")
info = pipeline.run(line_items())
print(info)
'''


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixture-bin", required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--terrace-only", action="store_true", help="skip dlt (for profiling Terrace)")
    parser.add_argument("--server-pid", type=int, help="the local serve's pid, whose peak RSS is read after the run")
    args = parser.parse_args()
    project = "terrace-bench"

    started = time.monotonic()
    pages, empty = generate_pages(args.records, args.seed)
    print(f"bench-bronze: generated {args.records:,} line items in {len(pages)} pages "
          f"({sum(map(len, pages)) / 1e6:.1f} MB of JSON) in {time.monotonic() - started:.1f} s")
    fixture = serve(pages, empty)
    api = f"http://127.0.0.1:{fixture.server_address[1]}"

    # Terrace: a project whose environment points at the local cloud and at the fixture.
    directory = os.path.join(args.work, "project")
    os.makedirs(os.path.join(directory, "environments"))
    environment = {"project": project, "region": "US", "endpoint": args.base_url, "state": "state/bench.json",
                   "namePrefix": "fx", "sources": {"line_items": {"url": f"{api}/line_items"}}}
    with open(os.path.join(directory, "environments", "bench.json"), "w") as f:
        json.dump(environment, f)
    for url, body in [(f"{args.base_url}/storage/v1/b?project={project}", {"name": "fx-landing"}),
                      (f"{args.base_url}/bigquery/v2/projects/{project}/datasets",
                       {"datasetReference": {"projectId": project, "datasetId": "fx_raw"}})]:
        urllib.request.urlopen(urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}))
    terrace_seconds, terrace_mb, output = timed(
        os.environ.get("BENCH_BRONZE_WRAPPER", "").split() + [os.path.abspath(args.fixture_bin), "run", "--env", "bench", "--select", "source:line_items", "--date", "2024-06-01"] + os.environ.get("BENCH_BRONZE_RUN_ARGS", "").split(),
        cwd=directory, env={**os.environ, "NO_COLOR": "1"})
    print("bench-bronze: " + " ".join(line.strip() for line in output.splitlines() if line.startswith("line_items:")))
    if args.server_pid:
        # Read now: the check below makes the server answer a 1M-row query, which is not the run.
        print(f"bench-bronze: peak RSS of terrace local serve (lake and BigQuery behind the run) during the run: {server_peak_mb(args.server_pid)} MB")
    terrace_rows = bigquery(args.base_url, project, "SELECT id, cart_id, product_id, quantity, price FROM fx_raw.line_items")
    if args.terrace_only:
        print(f"bench-bronze: terrace {terrace_seconds:.2f} s, {args.records / terrace_seconds:,.0f} records/s, {terrace_mb:.0f} MB, "
              f"{len(terrace_rows):,} rows")
        return

    # dlt into DuckDB, from the same server.
    script = os.path.join(args.work, "dlt_bench.py")
    with open(script, "w") as f:
        f.write(DLT_SCRIPT)
    dlt_directory = os.path.join(args.work, "dlt-run")
    os.makedirs(dlt_directory)
    dlt_seconds, dlt_mb, _ = timed([sys.executable, script, api, dlt_directory],
                                   env={**os.environ, "RUNTIME__LOG_LEVEL": "WARNING", "DLT_TELEMETRY_DISABLED": "1",
                                        "RUNTIME__DLTHUB_TELEMETRY": "false"})
    import duckdb
    connection = duckdb.connect(os.path.join(dlt_directory, "bench.duckdb"), read_only=True)
    dlt_rows = connection.execute("SELECT id, cart_id, product_id, quantity, price FROM bronze.line_items").fetchall()
    fixture.shutdown()

    terrace_hash, dlt_hash = content_hash(terrace_rows), content_hash(dlt_rows)
    if len(terrace_rows) != args.records or len(dlt_rows) != args.records or terrace_hash != dlt_hash:
        sys.exit(f"bench-bronze: the loads differ: terrace {len(terrace_rows):,} rows ({terrace_hash}), "
                 f"dlt {len(dlt_rows):,} rows ({dlt_hash}); expected {args.records:,}")
    print(f"bench-bronze: both loaded {args.records:,} rows, content hash {terrace_hash} on both\n")
    terrace_rate, dlt_rate = args.records / terrace_seconds, args.records / dlt_seconds
    print(f"Bronze ingestion of {args.records:,} cart line items (JSON pages of {PAGE_SIZE} over HTTP), one after the other\n")
    print("| tool                              |  wall s | records/s | peak RSS MB |")
    print("| --------------------------------- | ------: | --------: | ----------: |")
    print(f"| terrace run (lake + bronze, local)| {terrace_seconds:7.2f} | {terrace_rate:9,.0f} | {terrace_mb:11.0f} |")
    print(f"| dlt {dlt_version()} (duckdb)            | {dlt_seconds:7.2f} | {dlt_rate:9,.0f} | {dlt_mb:11.0f} |")
    print(f"\nterrace/dlt records/s: {terrace_rate / dlt_rate:.1f}x (goal: at least 10x); "
          f"terrace peak memory {terrace_mb:.0f} MB (goal: under 200 MB)")


def dlt_version():
    try:
        import dlt
        return dlt.__version__
    except Exception:
        return "?"


if __name__ == "__main__":
    main()
