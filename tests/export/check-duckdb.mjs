// SPDX-License-Identifier: MIT
// memsnap export --format parquet, read back by two independent readers.
//
//   node check-duckdb.mjs MEMSNAP DB DIR [--mutate null-to-zero|drop-row]
//
// DIR is `memsnap export DB -o DIR`.  For every view of the declaration
// (schema/97-export.sql, view public_columns, read through `memsnap sql`):
//  - DuckDB (@duckdb/node-api, its engine bundled) reads DIR/VIEW/*/*.parquet
//    with hive_partitioning; the columns have the declared types
//    (BIGINT, DOUBLE, VARCHAR); its rows EXCEPT ALL SQLite's rows is empty,
//    and SQLite's EXCEPT ALL its rows too (SQLite's rows come from
//    `memsnap sql --json`, typed by the declaration); the hive `date` is the
//    capture's start date;
//  - hyparquet (pure JavaScript) decodes every file: per column its non-NULL
//    count, integer sum, string bytes and float min/max equal DuckDB's.
// --mutate changes SQLite's side first (the first NULL found becomes 0, or
// the first row is dropped): the check must then fail (a negative control).
// Prints one line per view; exits 0 when all match, 1 otherwise.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const [memsnap, db, dir, flag, mutate] = process.argv.slice(2);
if (!memsnap || !db || !dir || (flag && flag !== '--mutate')) {
  console.error('usage: node check-duckdb.mjs MEMSNAP DB DIR [--mutate null-to-zero|drop-row]');
  process.exit(2);
}
const sql = (q) => JSON.parse(execFileSync(memsnap, ['sql', '--json', db, q],
  { maxBuffer: 1 << 30 }).toString());
const duckType = { integer: 'BIGINT', float: 'DOUBLE', text: 'VARCHAR' };
const q = (s) => '"' + s.replaceAll('"', '""') + '"';
const lit = (s) => "'" + s.replaceAll("'", "''") + "'";

const decl = new Map();
for (const r of sql('SELECT view_name, column_name, type FROM public_columns ORDER BY view_name, ord')) {
  if (!decl.has(r.view_name)) decl.set(r.view_name, []);
  decl.get(r.view_name).push({ name: r.column_name, type: r.type });
}
const tmp = mkdtempSync(join(tmpdir(), 'memsnap-duckdb-'));
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const rows = async (s) => (await con.runAndReadAll(s)).getRowObjects();
let fails = 0, mutated = false, nviews = 0, nfiles = 0;
const capturesJson = join(tmp, 'started.json');
writeFileSync(capturesJson, JSON.stringify(sql('SELECT capture_id, started_at FROM captures')));
const fail = (m) => { console.log('FAIL: ' + m); fails++; };

try {
  for (const [view, cols] of decl) {
    if (!cols.some((c) => c.name === 'capture_id')) continue;
    nviews++;
    const list = cols.map((c) => q(c.name)).join(', ');
    // SQLite's side, typed by the declaration
    let srows = sql(`SELECT * FROM ${q(view)}`);
    if (mutate === 'drop-row' && !mutated && srows.length) { srows = srows.slice(1); mutated = true; }
    if (mutate === 'null-to-zero' && !mutated) {
      for (const r of srows) {
        const c = cols.find((k) => k.type !== 'text' && r[k.name] === null);
        if (c) { r[c.name] = 0; mutated = true; break; }
      }
    }
    const jf = join(tmp, view + '.json');
    writeFileSync(jf, JSON.stringify(srows));
    const types = '{' + cols.map((c) => `${lit(c.name)}: ${lit(duckType[c.type])}`).join(', ') + '}';
    await con.run(`CREATE OR REPLACE TABLE s AS SELECT ${list} FROM read_json(${lit(jf)}, format='array', columns=${types})`);
    const glob = join(dir, view, '*', '*.parquet');
    await con.run(`CREATE OR REPLACE TABLE p AS SELECT * FROM read_parquet(${lit(glob)}, hive_partitioning=true)`);
    // the declared types, capture_uid first (the captures view's own is
    // that column, not a second one), the hive date last
    const desc = await rows('DESCRIBE p');
    const want = ['capture_uid VARCHAR', ...cols.filter((c) => c.name !== 'capture_uid')
      .map((c) => `${c.name} ${duckType[c.type]}`), 'date VARCHAR'];
    const got = desc.map((d) => `${d.column_name} ${d.column_type}`);
    if (got.join(',') !== want.join(',') && got.slice(0, -1).join(',') !== want.slice(0, -1).join(','))
      fail(`${view}: DuckDB reads columns ${got.join(', ')}`);
    const [a] = await rows(`SELECT count(*)::INTEGER n FROM (SELECT ${list} FROM p EXCEPT ALL SELECT ${list} FROM s)`);
    const [b] = await rows(`SELECT count(*)::INTEGER n FROM (SELECT ${list} FROM s EXCEPT ALL SELECT ${list} FROM p)`);
    const [n] = await rows('SELECT count(*)::INTEGER n FROM p');
    if (a.n || b.n) fail(`${view}: ${a.n} rows only in Parquet, ${b.n} only in SQLite`);
    // the hive partition is the capture's start date
    const [d] = await rows(`SELECT count(*)::INTEGER n FROM p JOIN read_json(${lit(capturesJson)}, format='array',
        columns={'capture_id': 'BIGINT', 'started_at': 'VARCHAR'}) c USING (capture_id)
        WHERE p.date::VARCHAR <> coalesce(substr(c.started_at, 1, 10), 'unknown')`);
    if (d.n) fail(`${view}: ${d.n} rows in a date partition other than their capture's`);
    // hyparquet, file by file, against DuckDB's aggregates
    const agg = {};
    for (const c of cols) agg[c.name] = { nn: 0, isum: 0n, bytes: 0, min: null, max: null };
    let hrows = 0;
    for (const sub of readdirSync(join(dir, view))) {
      for (const f of readdirSync(join(dir, view, sub))) {
        if (!f.endsWith('.parquet')) continue;
        nfiles++;
        const buf = readFileSync(join(dir, view, sub, f));
        const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
        const meta = parquetMetadata(file);
        const objs = await parquetReadObjects({ file, compressors });
        if (objs.length !== Number(meta.num_rows)) fail(`${view}/${sub}/${f}: hyparquet decoded ${objs.length} of ${meta.num_rows} rows`);
        hrows += objs.length;
        for (const o of objs) for (const c of cols) {
          const v = o[c.name], s = agg[c.name];
          if (v === null || v === undefined) continue;
          s.nn++;
          if (c.type === 'integer') s.isum += BigInt(v);
          else if (c.type === 'text') s.bytes += Buffer.byteLength(v, 'utf8');
          else { s.min = s.min === null || v < s.min ? v : s.min; s.max = s.max === null || v > s.max ? v : s.max; }
        }
      }
    }
    if (hrows !== n.n) fail(`${view}: hyparquet ${hrows} rows, DuckDB ${n.n}`);
    const exprs = cols.map((c, i) => `count(${q(c.name)})::INTEGER nn${i}, ` + (c.type === 'integer'
      ? `coalesce(sum(${q(c.name)}), 0)::HUGEINT::VARCHAR x${i}`
      : c.type === 'text' ? `coalesce(sum(strlen(${q(c.name)})), 0)::BIGINT::VARCHAR x${i}`
        : `min(${q(c.name)}) mn${i}, max(${q(c.name)}) mx${i}`)).join(', ');
    const [da] = await rows(`SELECT ${exprs} FROM p`);
    cols.forEach((c, i) => {
      const s = agg[c.name];
      const ok = da[`nn${i}`] === s.nn && (c.type === 'integer' ? da[`x${i}`] === s.isum.toString()
        : c.type === 'text' ? da[`x${i}`] === String(s.bytes)
          : da[`mn${i}`] === s.min && da[`mx${i}`] === s.max);
      if (!ok) fail(`${view}.${c.name}: hyparquet and DuckDB disagree`);
    });
    console.log(`${a.n || b.n ? 'FAIL' : 'ok'} ${view}: ${n.n} rows, DuckDB = SQLite both ways, hyparquet agrees`);
  }
  if (mutate && !mutated) fail(`--mutate ${mutate}: nothing to change`);
  console.log(`${nviews} views, ${nfiles} files; ${fails ? fails + ' failed' : 'all match'}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(fails ? 1 : 0);
