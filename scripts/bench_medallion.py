"""Medallion benchmark: the whole local platform (`terrace`) beside dlt + dbt-duckdb, same shop, same
machine, one after the other.

Terrace runs the real platform in a scratch copy of the project (`environments/`, the SQL models
under `pipelines/`; `infra/` and `pipelines/Bronze.swift` are compiled into the binary) on the
`local` environment's embedded local cloud, whose sample shop is sized by `?scale=N` on the source
URLs. The steps are `terrace up`'s, each its own process timed from outside (wall clock; peak RSS
from GNU time, which includes the embedded local cloud): apply the infrastructure, run bronze,
deploy (models checked, views created), run silver and gold with their data tests.

Then `terrace local serve` opens the same data directory and serves the same sample shop: dlt
(`dlt[duckdb]`, RESTClient with an offset paginator, the same page size) ingests products, users
(merged on id) and carts (appended) into DuckDB, and `dbt build` (dbt-duckdb; bench/dbt_shop) builds
the same models (views for silver, tables for gold, fact_cart_items incremental, the price history
as a snapshot) and runs the same 37 data tests.

Before any time is printed, bronze counts and every gold table are compared: row counts and a
sha256 over the rows, each value in a canonical text (numbers with 6 fixed decimals, dates ISO,
timestamps ISO UTC to the microsecond, arrays as lists), rows sorted. Terrace's gold is read as a
client would, through the local cloud's BigQuery REST API (tables.get, tabledata.list). Columns
whose values are the run's own clock (fact_cart_items.ingested_at, dim_products_history.valid_from)
are compared as "one non-NULL value for the whole table" rather than by value."""

import argparse
import datetime
import decimal
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import bench_common  # scripts/bench_common.py

ENV = "local"
PAGE_LIMIT = 100  # pipelines/Bronze.swift pages the shop 100 records at a time; dlt does the same
GOLD = ["dim_products", "dim_users", "dim_date", "fact_cart_items", "dim_products_history"]
# Values set from the run's clock: compared as "the same single value for every row", not by value.
RUN_CLOCK = {"fact_cart_items": ["ingested_at"], "dim_products_history": ["valid_from"]}


def log(message):
    print(f"bench-medallion: {message}", flush=True)


def timed(command, cwd=None, env=None, what=None):
    return bench_common.timed(command, "bench-medallion", cwd=cwd, env=env, what=what)


# ---------------------------------------------------------------------------------------------
# Terrace


def make_project(root, work, scale):
    """A scratch working copy: environments/ and the SQL models, the shop sized by ?scale=N."""
    project = os.path.join(work, "project")
    shutil.copytree(os.path.join(root, "environments"), os.path.join(project, "environments"))
    shutil.copytree(os.path.join(root, "pipelines"), os.path.join(project, "pipelines"),
                    ignore=shutil.ignore_patterns("*.swift"))
    path = os.path.join(project, "environments", f"{ENV}.json")
    with open(path) as f:
        environment = json.load(f)
    for name, source in environment.get("sources", {}).items():
        url = source["url"]
        if not url.startswith("local:/sample/shop/"):
            sys.exit(f"bench-medallion: environments/{ENV}.json: sources.{name}.url is {url}, not the local sample shop")
        source["url"] = url + ("&" if "?" in url else "?") + f"scale={scale}"
    with open(path, "w") as f:
        json.dump(environment, f, indent=2)
    return project, environment


def run_terrace(binary, project):
    env = {**os.environ, "NO_COLOR": "1"}
    # The infrastructure's addresses (not timed): `terrace up` applies the stack without the views
    # first, since the views read bronze tables that the next step creates.
    plan = subprocess.run([binary, "plan", "--env", ENV, "--json"], cwd=project, env=env, capture_output=True, text=True)
    if plan.returncode != 0:
        sys.exit(f"bench-medallion: terrace plan failed:\n{plan.stdout}{plan.stderr}")
    targets = [c["address"] for c in json.loads(plan.stdout)["changes"] if c["type"] != "bigquery.view"]
    steps = [
        ("infrastructure", ["apply", "--env", ENV, "--auto-approve"] + sum((["--target", t] for t in targets), [])),
        ("bronze", ["run", "--env", ENV, "--select", "layer:bronze"]),
        ("deploy", ["deploy", "--env", ENV, "--auto-approve"]),
        ("models", ["run", "--env", ENV, "--select", "layer:silver", "--select", "layer:gold"]),
    ]
    results = {}
    for name, args in steps:
        seconds, mb, output = timed([binary] + args, cwd=project, env=env, what=f"terrace {args[0]} ({name})")
        results[name] = (seconds, mb)
        detail = ""
        if name == "bronze":
            detail = "; ".join(" ".join(line.split()[:4]) for line in output.splitlines()
                               if line.strip().split(" ")[0] in ("products", "users", "carts"))
        elif name == "models":
            detail = next((line.split(". Results:")[0] for line in output.splitlines() if line.startswith("Run complete")), "")
        log(f"terrace {args[0]:<7} {name:<15} {seconds:7.2f} s {mb:6.0f} MB  {detail}")
        if name == "models":  # where the time goes: the run's own table of models
            lines = output.splitlines()
            start = next((i for i, line in enumerate(lines) if line.split()[:2] == ["model", "materialized"]), None)
            for line in lines[start:] if start is not None else []:
                if not line.strip():
                    break
                print(f"                 {line}")
            tests = []
            for line in lines:  # "test dim_users.unique_user_id: ok, 0.02 s"
                if line.startswith("test ") and line.endswith(" s") and ": " in line:
                    tests.append((float(line.rsplit(", ", 1)[1][:-2]), line[5:].split(":")[0]))
            tests.sort(reverse=True)
            if tests:
                print(f"                   {len(tests)} tests, {sum(t for t, _ in tests):.2f} s in all (up to 4 at once); slowest: "
                      + ", ".join(f"{name} {t:.2f} s" for t, name in tests[:3]))
    return results


def start_server(binary, project, work, scale):
    """`terrace local serve` over the run's data directory: the BigQuery API for the comparison
    and the same sample shop for dlt."""
    out = open(os.path.join(work, "serve.json"), "w+")
    err = open(os.path.join(work, "serve.err"), "w+")
    server = subprocess.Popen([binary, "local", "serve", "--port", "0", "--json", "--data", f".terrace/local/{ENV}",
                               "--sample-scale", str(scale)], cwd=project, stdout=out, stderr=err)
    for _ in range(400):
        out.seek(0)
        line = out.readline()
        if line.endswith("\n"):
            return server, json.loads(line)["baseURL"]
        if server.poll() is not None:
            err.seek(0)
            sys.exit(f"bench-medallion: terrace local serve exited: {err.read()}")
        time.sleep(0.05)
    server.kill()
    sys.exit("bench-medallion: terrace local serve printed no baseURL")


def peak_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def get(url):
    return json.load(urllib.request.urlopen(url, timeout=600))


def bigquery_query(base, project, sql):
    body = json.dumps({"query": sql, "useLegacySql": False, "timeoutMs": 600000}).encode()
    request = urllib.request.Request(f"{base}/bigquery/v2/projects/{project}/queries", data=body,
                                     headers={"Content-Type": "application/json"})
    answer = json.load(urllib.request.urlopen(request, timeout=900))
    if not answer.get("jobComplete", True):
        sys.exit(f"bench-medallion: query did not complete: {sql}")
    return [[cell["v"] for cell in row["f"]] for row in answer.get("rows", [])]


def terrace_table(base, project, dataset, table):
    """(column names, rows as Python values) of a table through tables.get and tabledata.list
    (pages of 50,000, TIMESTAMPs as int64 microseconds); rows are converted page by page."""
    path = f"{base}/bigquery/v2/projects/{project}/datasets/{dataset}/tables/{table}"
    fields = get(path)["schema"]["fields"]

    def rows():
        token = None
        while True:
            url = f"{path}/data?maxResults=50000&formatOptions.useInt64Timestamp=true"
            if token:
                url += f"&pageToken={urllib.request.quote(token)}"
            page = get(url)
            for row in page.get("rows", []):
                yield [from_bigquery(cell, field) for cell, field in zip(row["f"], fields)]
            token = page.get("pageToken")
            if not token:
                return

    return [f["name"] for f in fields], rows()


# ---------------------------------------------------------------------------------------------
# Canonical text of a value, the same on both sides


def canonical(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(decimal.Decimal(str(value) if isinstance(value, float) else value).quantize(decimal.Decimal("0.000001"),
                                                                                              rounding=decimal.ROUND_HALF_EVEN))
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"no canonical text for {type(value).__name__}: {value!r}")


def from_bigquery(cell, field):
    """A tabledata.list cell ({"v": …}) as a Python value of the field's type."""
    value = cell["v"] if isinstance(cell, dict) else cell
    if field.get("mode") == "REPEATED":
        element = {**field, "mode": "NULLABLE"}
        return [from_bigquery(v, element) for v in (value or [])]
    if value is None:
        return None
    kind = field["type"]
    if kind in ("INTEGER", "INT64"):
        return int(value)
    if kind in ("NUMERIC", "BIGNUMERIC"):
        return decimal.Decimal(value)
    if kind in ("FLOAT", "FLOAT64"):
        return float(value)
    if kind in ("BOOLEAN", "BOOL"):
        return value == "true"
    if kind == "DATE":
        return datetime.date.fromisoformat(value)
    if kind == "TIMESTAMP":
        micros = int(value)
        return datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(microseconds=micros)
    if kind == "STRING":
        return value
    raise TypeError(f"column {field['name']}: type {kind} is not compared")


def table_digest(table, columns, rows):
    """(count, sha256, sorted lines) of rows given as lists of Python values in `columns` order."""
    masked = {columns.index(c) for c in RUN_CLOCK.get(table, []) if c in columns}
    clock_values = {i: set() for i in masked}
    lines = []
    for row in rows:
        texts = []
        for i, value in enumerate(row):
            if i in masked:
                clock_values[i].add(canonical(value))
                texts.append("<run clock>" if value is not None else "\\N")
            else:
                texts.append(canonical(value))
        lines.append("\t".join(texts))
    lines.sort()
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode())
        digest.update(b"\n")
    notes = [f"{columns[i]}: {len(v)} distinct value(s)" for i, v in clock_values.items() if len(v) != 1]
    return len(lines), digest.hexdigest(), lines, notes


# ---------------------------------------------------------------------------------------------
# Peers

DLT_SCRIPT = r'''
import sys, dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import OffsetPaginator

base, scale, database, directory, page_limit = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])

def shop(collection):
    client = RESTClient(base_url=f"{base}/sample/shop",
                        paginator=OffsetPaginator(limit=page_limit, offset_param="skip", limit_param="limit", total_path="total"))
    yield from client.paginate(f"/{collection}", params={"scale": scale}, data_selector=collection)

# As pipelines/Bronze.swift declares them: products and users merged on id, carts appended.
products = dlt.resource(shop("products"), name="products", write_disposition="merge", primary_key="id")
users = dlt.resource(shop("users"), name="users", write_disposition="merge", primary_key="id")
carts = dlt.resource(shop("carts"), name="carts", write_disposition="append")

pipeline = dlt.pipeline(pipeline_name="bench_medallion", destination=dlt.destinations.duckdb(database),
                        dataset_name="bronze", pipelines_dir=directory)
print(pipeline.run([products, users, carts]))
'''


def run_dlt(python, work, base, scale, database):
    script = os.path.join(work, "dlt_shop.py")
    with open(script, "w") as f:
        f.write(DLT_SCRIPT)
    env = {**os.environ, "RUNTIME__LOG_LEVEL": "WARNING", "DLT_TELEMETRY_DISABLED": "1", "RUNTIME__DLTHUB_TELEMETRY": "false"}
    seconds, mb, _ = timed([python, script, base, str(scale), database, os.path.join(work, "dlt"), str(PAGE_LIMIT)],
                           env=env, what="dlt")
    log(f"dlt     bronze          {seconds:7.2f} s {mb:6.0f} MB")
    return seconds, mb


def run_dbt(dbt, project_dir, work, database):
    env = {**os.environ, "BENCH_DUCKDB_PATH": database, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           "DO_NOT_TRACK": "1", "DBT_TARGET_PATH": os.path.join(work, "dbt-target")}
    seconds, mb, output = timed([dbt, "build", "--project-dir", project_dir, "--profiles-dir", project_dir,
                                 "--log-path", os.path.join(work, "dbt-logs"), "--no-use-colors"],
                                env=env, what="dbt build")
    done = next((line.split("|", 1)[-1].strip() for line in output.splitlines() if "Done. PASS=" in line), "")
    log(f"dbt     build           {seconds:7.2f} s {mb:6.0f} MB  {done}")
    return seconds, mb, output


def duckdb_gold(connection, table, columns):
    """The rows of dbt's gold table, Terrace's columns in Terrace's order, fetched in batches."""
    select = []
    for column in columns:
        if table == "dim_products_history" and column == "is_current":
            select.append("valid_to IS NULL AS is_current")  # a snapshot's current version is the one not closed
        else:
            select.append(f'"{column}"')
    cursor = connection.execute(f"SELECT {', '.join(select)} FROM gold.{table}")
    while True:
        batch = cursor.fetchmany(50000)
        if not batch:
            return
        yield from batch


# ---------------------------------------------------------------------------------------------


def versions(python):
    out = subprocess.run([python, "-c", "import dlt, duckdb, importlib.metadata as m; "
                                        "print(dlt.__version__, duckdb.__version__, m.version('dbt-core'), m.version('dbt-duckdb'))"],
                         capture_output=True, text=True).stdout.split()
    return dict(zip(["dlt", "duckdb", "dbt-core", "dbt-duckdb"], out)) if len(out) == 4 else {}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--dbt", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--terrace-only", action="store_true", help="skip dlt and dbt (for profiling Terrace)")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = os.path.abspath(args.bin)

    project, environment = make_project(root, args.work, args.scale)
    gcp_project = environment["project"]
    prefix = environment["namePrefix"].replace("-", "_")
    bronze_dataset, gold_dataset = f"{prefix}_bronze", f"{prefix}_gold"
    log(f"the sample shop at scale {args.scale:,} (cart line items), Terrace first, then dlt and dbt")

    terrace = run_terrace(binary, project)

    server, base = start_server(binary, project, args.work, args.scale)
    try:
        shop = get(f"{base}/sample/shop?scale={args.scale}")["counts"]
        database = os.path.join(args.work, "shop.duckdb")
        if not args.terrace_only:
            dlt_seconds, dlt_mb = run_dlt(sys.executable, args.work, base, args.scale, database)
            server_mb = peak_rss_mb(server.pid)  # before the comparison reads gold through it
        terrace_bronze = {}
        for name in ("products", "users", "carts"):
            terrace_bronze[name] = int(get(f"{base}/bigquery/v2/projects/{gcp_project}/datasets/{bronze_dataset}/tables/{name}")["numRows"])
        terrace_bronze["lineItems"] = int(bigquery_query(base, gcp_project,
                                                         f"SELECT SUM(ARRAY_LENGTH(products)) FROM `{bronze_dataset}.carts`")[0][0])
        terrace_gold = {}
        for table in GOLD:
            columns, rows = terrace_table(base, gcp_project, gold_dataset, table)
            terrace_gold[table] = (columns, table_digest(table, columns, rows))
        if args.terrace_only:
            log(", ".join(f"{table} {digest[0]:,} rows" for table, (_, digest) in terrace_gold.items()))
            return
    finally:
        server.terminate()
        server.wait()
    dbt_seconds, dbt_mb, _ = run_dbt(args.dbt, os.path.join(root, "bench", "dbt_shop"), args.work, database)

    # --- the answers must agree before any time is printed ---
    import duckdb
    connection = duckdb.connect(database, read_only=True)
    connection.execute("SET TimeZone = 'UTC'")
    peer_bronze = {name: connection.execute(f"SELECT COUNT(*) FROM bronze.{name}").fetchone()[0]
                   for name in ("products", "users", "carts")}
    peer_bronze["lineItems"] = connection.execute("SELECT COUNT(*) FROM bronze.carts__products").fetchone()[0]
    problems = []
    for key in ("products", "users", "carts", "lineItems"):
        if not (shop[key] == terrace_bronze[key] == peer_bronze[key]):
            problems.append(f"bronze {key}: the shop has {shop[key]:,}, Terrace loaded {terrace_bronze[key]:,}, dlt {peer_bronze[key]:,}")
    log("bronze: " + ", ".join(f"{k} {terrace_bronze[k]:,}/{peer_bronze[k]:,}" for k in terrace_bronze) + " (Terrace/dlt)")

    print(f"\nGold tables (rows; sha256 over sorted canonical rows; {', '.join(f'{t}.{c}' for t, cs in RUN_CLOCK.items() for c in cs)} "
          f"compared as one run timestamp)\n")
    print("| table                 |      rows | Terrace sha256   | dbt sha256       | agree |")
    print("| --------------------- | --------: | ---------------- | ---------------- | ----- |")
    for table in GOLD:
        columns, (t_count, t_hash, t_lines, t_notes) = terrace_gold[table]
        try:
            p_count, p_hash, p_lines, p_notes = table_digest(table, columns, duckdb_gold(connection, table, columns))
        except duckdb.Error as error:
            problems.append(f"{table}: dbt's table lacks Terrace's columns: {error}")
            continue
        agree = t_count == p_count and t_hash == p_hash and not t_notes and not p_notes
        print(f"| {table:<21} | {t_count:>9,} | {t_hash[:16]} | {p_hash[:16]} | {'yes' if agree else 'NO':<5} |"
              + ("" if t_count == p_count else f"  (dbt {p_count:,} rows)"))
        if agree:
            continue
        detail = [f"{table}: Terrace {t_count:,} rows, dbt {p_count:,} rows; columns {', '.join(columns)}"]
        detail += [f"  Terrace: {n}" for n in t_notes] + [f"  dbt: {n}" for n in p_notes]
        only_t, only_p = sorted(set(t_lines) - set(p_lines)), sorted(set(p_lines) - set(t_lines))
        for side, lines in (("only in Terrace", only_t), ("only in dbt", only_p)):
            detail.append(f"  {side}: {len(lines):,} rows" + (", e.g." if lines else ""))
            detail += [f"    {line}" for line in lines[:4]]
        problems.append("\n".join(detail))
    if problems:
        print()
        sys.exit("bench-medallion: Terrace and dlt + dbt disagree; no times are printed:\n" + "\n".join(problems))
    print("\nAll gold tables agree. dim_products_history: dbt's snapshot has no is_current (taken as valid_to IS NULL) "
          "and adds dbt_scd_id and dbt_updated_at (not compared); fact_cart_items is delete+insert on cart_item_id in "
          "dbt-duckdb 1.9 (no merge strategy).")

    # --- times ---
    v = versions(sys.executable)
    t_infra, t_bronze, t_deploy, t_models = (terrace[k][0] for k in ("infrastructure", "bronze", "deploy", "models"))
    m_infra, m_bronze, m_deploy, m_models = (terrace[k][1] for k in ("infrastructure", "bronze", "deploy", "models"))
    t_silver_gold, t_whole = t_deploy + t_models, t_infra + t_bronze + t_deploy + t_models
    p_whole = dlt_seconds + dbt_seconds
    t_peak = max(m_infra, m_bronze, m_deploy, m_models)

    def row(step, t, p, t_mb, p_mb):
        ratio = f"{p / t:.2f}x" if p is not None else "—"
        peer = f"{p:9.2f}" if p is not None else f"{'—':>9}"
        p_mb = f"{p_mb:7.0f}" if p_mb is not None else f"{'—':>7}"
        print(f"| {step:<52} | {t:9.2f} | {peer} | {ratio:>7} | {t_mb:6.0f} | {p_mb} |")

    print(f"\nThe local medallion run on {args.scale:,} cart line items ({shop['carts']:,} carts, {shop['products']:,} products, "
          f"{shop['users']:,} users), one after the other.\nTerrace: the release binary, embedded local cloud (its memory "
          f"counted). Peers: dlt {v.get('dlt', '?')}, dbt-core {v.get('dbt-core', '?')} + dbt-duckdb {v.get('dbt-duckdb', '?')}, "
          f"DuckDB {v.get('duckdb', '?')}. ratio = dlt/dbt s ÷ Terrace s.\n")
    print("| step                                                 | Terrace s | dlt/dbt s |   ratio | T MB   | peer MB |")
    print("| ---------------------------------------------------- | --------: | --------: | ------: | -----: | ------: |")
    row("infrastructure (terrace apply; no peer step)", t_infra, None, m_infra, None)
    row("bronze (terrace run layer:bronze; dlt pipeline.run)", t_bronze, dlt_seconds, m_bronze, dlt_mb)
    row("  deploy (models checked, views created)", t_deploy, None, m_deploy, None)
    row("  models + 37 tests (terrace run silver, gold)", t_models, None, m_models, None)
    row("silver+gold (deploy + run; dbt build, 37 tests)", t_silver_gold, dbt_seconds, max(m_deploy, m_models), dbt_mb)
    row("whole run (all of the above; dlt + dbt)", t_whole, p_whole, t_peak, max(dlt_mb, dbt_mb))
    if server_mb is not None:
        print(f"\nterrace local serve, serving the sample shop to dlt: peak RSS {server_mb:.0f} MB (not counted above)")

    def check(met):
        return "met" if met else "NOT met"

    whole_ratio, sg_ratio = p_whole / t_whole, t_silver_gold / dbt_seconds
    print(f"\nGoals:\n"
          f"  whole run at least 3x faster than dlt + dbt: {whole_ratio:.2f}x — {check(whole_ratio >= 3)}\n"
          f"  silver+gold within 2x of dbt-duckdb's time: Terrace {t_silver_gold:.2f} s = {sg_ratio:.2f}x dbt's "
          f"{dbt_seconds:.2f} s — {check(sg_ratio <= 2)}\n"
          f"  Terrace peak memory under 300 MB: {t_peak:.0f} MB — {check(t_peak < 300)}")


if __name__ == "__main__":
    main()
