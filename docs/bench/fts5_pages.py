"""The FTS5 measurements behind migration 33 (docs/benchmarks.md, session 24), rerunnable.

Run on a *copy* of a seeded benchmark database (`bench --seed-only`): it writes to it.
Needs a SQLite with FTS5's contentless_delete (3.43 or later), as PyPI's `pysqlite3-binary` has:

    python3 -m venv venv && venv/bin/pip install pysqlite3-binary
    venv/bin/python fts5_pages.py COPY.db structure         # the index's levels and segments
    venv/bin/python fts5_pages.py COPY.db replies 400 1000  # 400 transactions of 8 reply-like
                                                            # updates, pages of 1,000 bytes
    venv/bin/python fts5_pages.py COPY.db reads 1000        # optimize at that page size, then
                                                            # time counting and paging

`replies` without a page size keeps the index's own; ONE_STATEMENT=1 writes each transaction's
eight updates as one statement, in ticket number order.
"""
import datetime
import os
import statistics
import sys
import time

import pysqlite3.dbapi2 as sqlite3


def varint(b, i):
    """SQLite's varint at b[i]: (value, next index)."""
    v = 0
    for k in range(8):
        c = b[i + k]
        v = (v << 7) | (c & 0x7F)
        if c < 0x80:
            return v, i + k + 1
    return (v << 8) | b[i + 8], i + 9


def structure(con):
    """FTS5's structure record (row 10 of tickets_fts_data): levels, write counter, segments."""
    blob = con.execute("SELECT block FROM tickets_fts_data WHERE id = 10").fetchone()[0]
    i, v2 = 4, blob[4:8] == b"\xff\x00\x00\x01"
    if v2:
        i = 8
    nlevel, i = varint(blob, i)
    _, i = varint(blob, i)
    nwrite, i = varint(blob, i)
    levels = []
    for _ in range(nlevel):
        nmerge, i = varint(blob, i)
        n, i = varint(blob, i)
        segments = []
        for _ in range(n):
            segid, i = varint(blob, i)
            first, i = varint(blob, i)
            last, i = varint(blob, i)
            entries = None
            if v2:
                for _ in range(4):
                    _, i = varint(blob, i)
                entries, i = varint(blob, i)
            segments.append((segid, last - first + 1, entries))
        levels.append((nmerge, segments))
    return nlevel, nwrite, levels


def show(con):
    nlevel, nwrite, levels = structure(con)
    print(f"{nlevel} levels, {nwrite} leaf pages written")
    for level, (merging, segments) in enumerate(levels):
        if segments:
            print(f"  level {level}: merging {merging}; (segment, leaf pages, tickets) {segments[:6]}")


def set_page_size(con, size):
    con.execute(f"INSERT INTO tickets_fts(tickets_fts, rank) VALUES ('pgsz', {int(size)})")


def replies(con, n, per_txn=8):
    rows = con.execute(
        "SELECT id, number FROM tickets WHERE status <> 'closed' ORDER BY random() LIMIT ?", (n * per_txn,)
    ).fetchall()
    one = os.environ.get("ONE_STATEMENT") == "1"
    now, times = datetime.datetime.now(datetime.timezone.utc), []
    for t in range(n):
        batch = rows[t * per_txn : (t + 1) * per_txn]
        stamp = (now + datetime.timedelta(seconds=t)).strftime("%Y-%m-%d %H:%M:%S.%f")
        start = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        if one:
            batch.sort(key=lambda r: r[1])
            values = ",".join("(?, ?)" for _ in batch)
            args = [x for (tid, _) in batch for x in (tid, stamp)]
            con.execute(
                f"UPDATE tickets SET updated_at = v.column2, status = 'open' FROM (VALUES {values}) AS v "
                "WHERE tickets.id = v.column1",
                args,
            )
        else:
            for tid, _ in batch:
                con.execute("UPDATE tickets SET updated_at = ?, status = 'open' WHERE id = ?", (stamp, tid))
        con.execute("COMMIT")
        times.append((time.perf_counter() - start) * 1000)
    q = sorted(times)
    print(
        f"{n} transactions of {per_txn}: median {statistics.median(q):.1f}, p90 {q[int(0.9 * n)]:.1f}, "
        f"p99 {q[int(0.99 * n)]:.1f}, max {q[-1]:.1f} ms; {sum(1 for x in q if x > 20)} over 20 ms"
    )


def reads(con):
    start = time.perf_counter()
    con.execute("INSERT INTO tickets_fts(tickets_fts) VALUES ('optimize')")
    pages, size = con.execute("SELECT count(*), sum(length(block)) FROM tickets_fts_data").fetchone()
    print(f"optimized in {time.perf_counter() - start:.1f} s: {pages} pages, {size / 1e6:.1f} MB")
    org = con.execute("SELECT organization_id FROM tickets LIMIT 1").fetchone()[0]
    status = "s" + "open".encode().hex()
    queries = {
        "count open": f"SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH 'facets : {status}'",
        "count one organisation's open": f"SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH "
        f"'facets : o{org.encode().hex()} AND facets : {status}'",
        "count a common word": "SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH '{subject description} : wallboard'",
        "newest 50 open": f"SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH 'facets : {status}' "
        "ORDER BY rowid DESC LIMIT 50",
    }
    for name, sql in queries.items():
        times = []
        for _ in range(15):
            start = time.perf_counter()
            con.execute(sql).fetchall()
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name}: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")


if __name__ == "__main__":
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("PRAGMA journal_mode = wal")
    con.execute("PRAGMA synchronous = normal")
    command, rest = sys.argv[2], sys.argv[3:]
    if command == "structure":
        show(con)
    elif command == "replies":
        if len(rest) > 1:
            set_page_size(con, rest[1])
        show(con)
        replies(con, int(rest[0]))
        show(con)
    elif command == "reads":
        if rest:
            set_page_size(con, rest[0])
        reads(con)
    else:
        sys.exit(__doc__)
