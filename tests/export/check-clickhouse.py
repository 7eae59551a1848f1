#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare every public view in ClickHouse with SQLite.

    check-clickhouse.py MEMSNAP DB CH_DATABASE PORT [PORT2]

For every view of the declaration (schema/97-export.sql), ClickHouse's
Distributed table CH_DATABASE.VIEW (through the server at PORT) against the
SQLite view of DB: the row count and, per column, the non-NULL count;
integers: min, max and the exact sum (as the sums of the quotients and
remainders by 1000000007, which neither side can overflow); floats: min,
max and the sum (the sum to 1e-12 relative: the shards add in another
order); text: min, max (bytes) and the total UTF-8 length.  SQLite's text
is read as hex and made valid UTF-8 as memsnap export does (each byte that
starts no valid sequence becomes U+FFFD), so the hostile capture's
strings compare too.  NULL must stay NULL: a NULL turned 0 changes the
non-NULL count.  One line per view; exit 0 when all match, 1 otherwise.
"""
import codecs
import json
import subprocess
import sys

P = 1000000007


def per_byte(err):
    # memsnap's rule (export_text, json_escape): one U+FFFD per bad byte
    return ("\ufffd", err.start + 1)


codecs.register_error("memsnap", per_byte)


def sqlite(memsnap, db, query):
    out = subprocess.run([memsnap, "sql", "--json", db, query], check=True,
                         capture_output=True).stdout
    return json.loads(out)


def clickhouse(port, query):
    out = subprocess.run(["clickhouse-client", "--port", str(port), "--query",
                          query + " FORMAT JSONEachRow",
                          "--output_format_json_quote_64bit_integers=1"],
                         check=True, capture_output=True, timeout=60).stdout
    return [json.loads(line) for line in out.decode().splitlines()]


def q(name):
    return "`" + name + "`"


def aggregates(rows, cols):
    """The same figures, in Python, from SQLite's rows."""
    res = {"n": len(rows)}
    for c, t in cols:
        vals = [r[c] for r in rows if r[c] is not None]
        if t == "text":
            vals = [bytes.fromhex(v).decode("utf-8", "memsnap") for v in vals]
        a = {"nn": len(vals)}
        if vals:
            if t == "integer":
                # ClickHouse's intDiv truncates toward zero, as C does
                quot = [abs(v) // P * (1 if v >= 0 else -1) for v in vals]
                a.update(min=min(vals), max=max(vals), q=sum(quot),
                         r=sum(v - P * k for v, k in zip(vals, quot)))
            elif t == "float":
                a.update(min=min(vals), max=max(vals), sum=sum(vals))
            else:
                enc = [v.encode() for v in vals]
                a.update(min=min(enc), max=max(enc), len=sum(len(e) for e in enc))
        res[c] = a
    return res


def ch_aggregates(port, table, cols):
    parts = ["count() AS n"]
    for i, (c, t) in enumerate(cols):
        parts.append(f"count({q(c)}) AS nn{i}")
        if t == "integer":
            parts += [f"min({q(c)}) AS mn{i}", f"max({q(c)}) AS mx{i}",
                      f"sum(intDiv({q(c)}, {P})) AS q{i}",
                      f"sum({q(c)} - {P} * intDiv({q(c)}, {P})) AS r{i}"]
        elif t == "float":
            parts += [f"min({q(c)}) AS mn{i}", f"max({q(c)}) AS mx{i}",
                      f"sum({q(c)}) AS s{i}"]
        else:
            parts += [f"hex(min({q(c)})) AS mn{i}", f"hex(max({q(c)})) AS mx{i}",
                      f"sum(length({q(c)})) AS l{i}"]
    [r] = clickhouse(port, f"SELECT {', '.join(parts)} FROM {table}")
    res = {"n": int(r["n"])}
    for i, (c, t) in enumerate(cols):
        a = {"nn": int(r[f"nn{i}"])}
        if a["nn"]:
            if t == "integer":
                a.update(min=int(r[f"mn{i}"]), max=int(r[f"mx{i}"]),
                         q=int(r[f"q{i}"]), r=int(r[f"r{i}"]))
            elif t == "float":
                a.update(min=float(r[f"mn{i}"]), max=float(r[f"mx{i}"]),
                         sum=float(r[f"s{i}"]))
            else:
                a.update(min=bytes.fromhex(r[f"mn{i}"]), max=bytes.fromhex(r[f"mx{i}"]),
                         len=int(r[f"l{i}"]))
        res[c] = a
    return res


def close(a, b):
    return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))


def differences(want, got, cols):
    out = []
    if want["n"] != got["n"]:
        out.append(f"{got['n']} rows, SQLite {want['n']}")
    for c, t in cols:
        w, g = want[c], got[c]
        for k in w:
            same = close(w[k], g.get(k)) if t == "float" and g.get(k) is not None else w[k] == g.get(k)
            if not same:
                out.append(f"{c}.{k}: {g.get(k)!r}, SQLite {w[k]!r}")
    return out


def main():
    if len(sys.argv) < 5:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    memsnap, db, chdb, port = sys.argv[1:5]
    decl = {}
    for r in sqlite(memsnap, db, "SELECT view_name, column_name, type FROM public_columns "
                                 "ORDER BY view_name, ord"):
        decl.setdefault(r["view_name"], []).append((r["column_name"], r["type"]))
    fails = 0
    for view, cols in decl.items():
        if "capture_id" not in [c for c, _ in cols]:
            continue
        # hex() of NULL is '': keep NULL NULL
        sel = ", ".join(f'CASE WHEN "{c}" IS NULL THEN NULL ELSE hex("{c}") END AS "{c}"'
                        if t == "text" else f'"{c}"' for c, t in cols)
        want = aggregates(sqlite(memsnap, db, f'SELECT {sel} FROM "{view}"'), cols)
        got = ch_aggregates(port, f"{q(chdb)}.{q(view)}", cols)
        diff = differences(want, got, cols)
        if diff:
            fails += 1
            print(f"FAIL {view}: " + "; ".join(diff[:4]))
        else:
            print(f"ok {view}: {want['n']} rows, every column's counts, sums, min and max equal")
    print(f"{fails} views differ" if fails else "all views match")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
