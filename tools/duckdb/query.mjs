// Runs SQL statements in one in-memory DuckDB and prints the rows of the last one as JSON lines,
// with a final line {"__elapsed_ms": n} timing the last statement. Usage: node query.mjs <file.sql or -> ;
// statements are separated by lines holding only ";;". Values take DuckDB JSON form: BIGINTs as strings, timestamps as text (select epoch_ms(t) for numbers).
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const src = process.argv[2] === '-' || !process.argv[2] ? readFileSync(0, 'utf8') : readFileSync(process.argv[2], 'utf8');
const statements = src.split(/^;;\s*$/m).map(s => s.trim()).filter(Boolean);
const instance = await DuckDBInstance.create(':memory:', { threads: process.env.DUCKDB_THREADS ?? '2' });
const conn = await instance.connect();
let rows = [];
let elapsed = 0;
for (const sql of statements) {
  const start = process.hrtime.bigint();
  const reader = await conn.runAndReadAll(sql);
  elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  rows = reader.getRowObjectsJson();
}
const out = [];
for (const row of rows) out.push(JSON.stringify(row));
out.push(JSON.stringify({ __elapsed_ms: elapsed }));
process.stdout.write(out.join('\n') + '\n');
