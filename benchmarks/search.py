"""Search latency at 10k / 100k / 1M products, and what indexing costs.

Each size runs in its own interpreter, in a scratch data directory (settings bind the
database at start-up), seeded with `entrepot seed` (sellers N/200, no orders), and
prints one JSON line; the parent prints the table. Per size:

- seeding, with the search documents and embeddings it writes;
- re-indexing the first 20,000 listings (keywords only: the embeddings exist), listings
  per second;
- embedding throughput of the model (passages per second, batches of 32);
- search latency over QUERIES (Chinese, pinyin, initials, English, traditional,
  misspelt, cross-lingual, filtered and sorted): `search_listings` alone (retrieval,
  ranking, facets) and `GET /api/v1/search` in-process (plus cards, landed prices,
  JSON). The query embedding is computed cold every time (its per-process cache is
  emptied), as for a query never seen before.

`--ann N` also times the HNSW index alone over N random unit vectors: the seeded
catalogue has only a few hundred distinct embedding texts whatever its size, so
this is what an ANN search costs when every listing has its own embedding.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

from harness import run_measurement

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
ROUNDS = 3
REINDEX_SAMPLE = 20_000

# (query, filters): a mix of what shoppers type
QUERIES: tuple[tuple[str, dict], ...] = (
    ("维生素", {}),
    ("维生素D3", {}),
    ("鱼油", {}),
    ("益生菌", {}),
    ("羊奶粉", {}),
    ("防晒霜", {}),
    ("口红", {}),
    ("积木", {}),
    ("猫粮", {}),
    ("瑜伽垫", {}),
    ("茶", {}),
    ("咖啡豆 拼配", {}),
    ("weishengsu", {}),
    ("yujiadian", {}),
    ("kouhong", {}),
    ("wss", {}),
    ("yjd", {}),
    ("vitamin d3", {}),
    ("fish oil", {}),
    ("yoga mat", {}),
    ("running shoes", {}),
    ("cat food", {}),
    ("espresso", {}),
    ("teddy bear", {}),
    ("dive watch", {}),
    ("維生素", {}),
    ("嬰兒奶粉", {}),
    ("網球拍", {}),
    ("vitamn", {}),
    ("sunscren", {}),
    ("tenis racket", {}),
    ("expresso", {}),
    ("泳镜", {}),
    ("眼霜", {}),
    ("智能手表", {}),
    ("遥控车", {}),
    ("维生素", {"origins": ("US",)}),
    ("vitamin", {"sort": "price_asc"}),
    ("猫粮", {"prices": ("100-200",), "in_stock": True}),
    ("coffee", {"modes": ("bonded",), "sort": "newest"}),
)


def _percentiles(timings: list[float]) -> dict:
    timings = sorted(timings)
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "max_ms": round(timings[-1], 1),
    }


def _measure_one(size: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entrepot.config.settings")
    os.environ["ENTREPOT_SEARCH_RATE_LIMIT"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from entrepot.search import embeddings
    from entrepot.search.models import SearchDocument, SearchEmbedding
    from entrepot.search.selectors import SearchQuery, search_listings
    from entrepot.search.services import index_all
    from entrepot.seeding.seed import seed

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    from entrepot.catalog.models import Product

    seed_seconds, seed_rows = None, None
    if Product.objects.count() < size:  # a kept data directory (--data-dir) is reused
        started = time.perf_counter()
        report = seed(
            sellers=max(50, size // 200), products=size, buyers=10, orders=0, progress=False
        )
        seed_seconds, seed_rows = round(time.perf_counter() - started, 1), report.total_rows
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    documents = SearchDocument.objects.count()
    distinct = SearchEmbedding.objects.count()

    # re-index a slice (delete + insert of the documents; the embeddings exist)
    reindex = index_all(first_id=1, last_id=min(size, REINDEX_SAMPLE), embed=False)

    texts = [f"Sample product {n} / 样品 {n} (Vitamins & supplements)" for n in range(64)]
    embeddings.embed_passages(texts[:2])
    started = time.perf_counter()
    embeddings.embed_passages(texts)
    passages_per_second = len(texts) / (time.perf_counter() - started)

    client = Client(HTTP_HOST="127.0.0.1")
    for text, filters in QUERIES:  # warm: model, semantic index, rate table, term list
        search_listings(SearchQuery(text=text, **filters))
    selector, api, queries = [], [], []
    for _ in range(ROUNDS):
        for text, filters in QUERIES:
            embeddings.forget_queries()
            t0 = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                search_listings(SearchQuery(text=text, **filters))
            selector.append((time.perf_counter() - t0) * 1000)
            queries.append(len(ctx.captured_queries))
            params = {"q": text, "limit": 20}
            for key, value in filters.items():
                name = {"origins": "origin", "prices": "price", "modes": "mode"}.get(key, key)
                params[name] = list(value) if isinstance(value, tuple) else value
            embeddings.forget_queries()
            t0 = time.perf_counter()
            response = client.get("/api/v1/search", params)
            api.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.content
    started = time.perf_counter()
    for _ in range(20):
        embeddings.forget_queries()
        embeddings.embed_query("维生素D3软胶囊")
    embed_ms = (time.perf_counter() - started) / 20 * 1000
    return {
        "size": size,
        "vendor": connection.vendor,
        "seed_seconds": seed_seconds,
        "seed_rows": seed_rows,
        "documents": documents,
        "distinct_embeddings": distinct,
        "reindex_per_second": round(reindex.indexed / reindex.seconds),
        "passages_per_second": round(passages_per_second, 1),
        "query_embedding_ms": round(embed_ms, 1),
        "search": _percentiles(selector),
        "api": _percentiles(api),
        "queries_max": max(queries),
        "samples": len(selector),
        "load": os.getloadavg()[0],
    }


def _measure_ann(count: int) -> dict:
    import numpy as np

    from entrepot.search.semantic import _new_index

    rng = np.random.default_rng(1)
    index = _new_index()
    started = time.perf_counter()
    for start in range(0, count, 50_000):
        vectors = rng.standard_normal((min(50_000, count - start), 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        index.add(np.arange(start, start + len(vectors), dtype=np.uint64), vectors)
    build = time.perf_counter() - started
    probes = rng.standard_normal((300, 384)).astype(np.float32)
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    timings = []
    for probe in probes:
        t0 = time.perf_counter()
        index.search(probe, 48, threads=1)
        timings.append((time.perf_counter() - t0) * 1000)
    return {"vectors": count, "build_seconds": round(build, 1), **_percentiles(timings)}


def _print_table(results: list[dict]) -> None:
    print(f"\nSearch — database: {results[0]['vendor']}, {results[0]['samples']} searches per size")
    head = (
        f"{'products':>10} {'seed s':>7} {'docs':>9} {'embeddings':>10} {'reindex/s':>9} "
        f"{'search p50/p95 ms':>18} {'API p50/p95 ms':>16} {'max q':>5} {'load':>5}"
    )
    print(head)
    for r in results:
        s, a = r["search"], r["api"]
        print(
            f"{r['size']:>10,} {r['seed_seconds'] or '-':>7} {r['documents']:>9,} "
            f"{r['distinct_embeddings']:>10,} {r['reindex_per_second']:>9,} "
            f"{s['p50_ms']:>8} / {s['p95_ms']:>6}  {a['p50_ms']:>7} / {a['p95_ms']:>6} "
            f"{r['queries_max']:>5} {r['load']:>5.1f}"
        )
    r = results[-1]
    print(
        f"\nembedding model: {r['passages_per_second']} passages/s (batches of 32), "
        f"{r['query_embedding_ms']} ms per query"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--ann", type=int, default=0, help="also time HNSW over N vectors")
    parser.add_argument(
        "--data-dir", help="seed into DIR/<size> and keep it (a second run reuses it)"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_measure_one(args.one)))
        return 0
    results = []
    for size in args.sizes:
        if args.data_dir:
            kept = os.path.join(args.data_dir, str(size))
            os.makedirs(kept, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f"entrepot-search-{size}-") as scratch:
            env = {**os.environ, "ENTREPOT_DATA_DIR": kept if args.data_dir else scratch}
            result = run_measurement(__file__, ["--one", str(size)], env["ENTREPOT_DATA_DIR"])
            if isinstance(result, int):
                return result
            results.append(result)
            print(f"  {size:,} products: {json.dumps(results[-1])}", file=sys.stderr)
    if results:
        _print_table(results)
    if args.ann:
        ann = _measure_ann(args.ann)
        print(
            f"\nHNSW alone, {ann['vectors']:,} random 384-d vectors (f16): built in "
            f"{ann['build_seconds']} s; 48 nearest: p50 {ann['p50_ms']} ms, "
            f"p95 {ann['p95_ms']} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
