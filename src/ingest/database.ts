/**
 * Warehouse readers: a PostgreSQL table or query read with a server-side cursor (pg + pg-cursor), batch by
 * batch, each row turned into the same text fields a CSV record has, so the ingest checks, the row account
 * and the rejects apply unchanged. Positions in errors are `table:row N:column`.
 *
 * The URL (and its credentials) is given by the caller; this module reads no environment itself (the pg
 * driver fills what the URL leaves out from the libpq variables PGHOST, PGUSER, ..., as psql does).
 */
import { createRequire } from 'node:module';
import { InputError, setting, UsageError } from '../errors.js';
import type { InputKind } from './schema.js';
import { checkDuplicateHeaders, FieldReader, resolveColumns, RowError, type IngestOptions, type RejectSink, type ResolvedColumns, type RowAccount } from './table.js';

/** A table or a query in a PostgreSQL database. */
export interface DatabaseSource {
  /** postgres:// or postgresql:// URL (the table= and query= parameters removed). */
  url: string;
  /** A table name or table expression, used as written. */
  table?: string;
  /** A SELECT, used as written. */
  query?: string;
}

/** Whether an input names a database rather than a file. */
export function isDatabaseUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

/**
 * The source named by a URL, with the table or query from the options or from the URL's `table=` or
 * `query=` parameter (so `--summary 'postgres://host/db?table=shop.summary'` works where no --table is).
 * @throws UsageError without a table or query, or with both
 */
export function databaseSource(url: string, table?: string, query?: string): DatabaseSource {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`not a valid database URL: ${redactUrl(url)}`, { hint: 'postgres://user@host:5432/database' });
  }
  const fromUrl = { table: parsed.searchParams.get('table') ?? undefined, query: parsed.searchParams.get('query') ?? undefined };
  parsed.searchParams.delete('table');
  parsed.searchParams.delete('query');
  const t = table ?? fromUrl.table;
  const q = query ?? fromUrl.query;
  if (t === undefined && q === undefined) throw new UsageError(`${redactUrl(url)}: which table? give ${setting('table', 'NAME')} or ${setting('query', 'SQL')} (or ?table=NAME in the URL)`);
  if (t !== undefined && q !== undefined) throw new UsageError('give a table or a query, not both');
  return { url: parsed.toString(), ...(t !== undefined ? { table: t } : { query: q }) };
}

/** A URL with its password replaced by ***. */
export function redactUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

/** The name of a source in messages and accounts: the table, or "query", at the URL without password. */
export function databaseSourceName(source: DatabaseSource): string {
  const where = redactUrl(source.url).replace(/\?.*$/, '');
  return source.table !== undefined ? `${source.table} (${where})` : `query (${where})`;
}

interface CursorResult {
  fields: { name: string }[];
}
interface Cursor {
  read(rows: number, cb: (err: Error | undefined, rows: (string | null)[][], result: CursorResult) => void): void;
  close(): Promise<void>;
}
type CursorCtor = new (text: string, values: unknown[], config: { rowMode: 'array'; types: unknown }) => Cursor;

/** Every value as PostgreSQL prints it (dates as YYYY-MM-DD, numerics exactly): the text a CSV would hold. */
const textTypes = { getTypeParser: () => (value: string) => value };

/**
 * Reads a table or query row by row, `batchRows` at a time from a server-side cursor: `convert` checks a row
 * (throwing RowError), `consume` takes it (returning the reason when it is left out), `drain` is awaited
 * between batches (a consumer writing output keeps memory bounded).
 * @throws InputError when the server cannot be reached or a row is bad (unless skipInvalid)
 */
export async function readDatabaseTable<T>(
  source: DatabaseSource,
  kind: InputKind,
  options: IngestOptions,
  io: { rejects?: RejectSink },
  convert: (reader: FieldReader, columns: ResolvedColumns) => T,
  consume: (row: T, rowNumber: number) => string | void,
  drain: () => Promise<void> = async () => {},
  batchRows = 10_000,
): Promise<{ account: RowAccount; columns: ResolvedColumns }> {
  const name = databaseSourceName(source);
  const require = createRequire(import.meta.url);
  const pg = require('pg') as typeof import('pg');
  const CursorClass = require('pg-cursor') as CursorCtor;
  const client = new pg.Client({ connectionString: source.url, types: textTypes });
  try {
    await client.connect();
  } catch (err) {
    throw new InputError({ file: name }, `cannot connect: ${(err as Error).message || String(err)}`, { cause: err });
  }
  const account: RowAccount = { file: name, kind, read: 0, used: 0, rejected: 0, rejectedByReason: {}, excluded: {} };
  let columns: ResolvedColumns | undefined;
  try {
    const text = source.query ?? `SELECT * FROM ${source.table}`;
    const cursor = client.query(new CursorClass(text, [], { rowMode: 'array', types: textTypes }) as never) as unknown as Cursor;
    let reader: FieldReader | undefined;
    let n = 0;
    for (;;) {
      const { rows, result } = await new Promise<{ rows: (string | null)[][]; result: CursorResult | undefined }>((resolve, reject) => {
        cursor.read(batchRows, (err, rows, result) => (err ? reject(err) : resolve({ rows, result })));
      }).catch((err: Error) => {
        throw new InputError({ file: name }, `query failed: ${err.message}`, { cause: err });
      });
      if (!columns && result) {
        const headers = result.fields.map((f) => f.name);
        checkDuplicateHeaders(headers, name);
        columns = resolveColumns(headers, kind, options.map, name);
        reader = new FieldReader(headers, options);
      }
      if (rows.length === 0) break;
      for (const values of rows) {
        n++;
        account.read++;
        const fields = values.map((v) => (v === null ? '' : v));
        try {
          reader!.fields = fields;
          const excluded = consume(convert(reader!, columns!), n);
          if (excluded) account.excluded[excluded] = (account.excluded[excluded] ?? 0) + 1;
          else account.used++;
        } catch (err) {
          if (!(err instanceof RowError)) throw err;
          if (!options.skipInvalid) throw new InputError({ file: `${name}:row ${n}`, column: err.column }, err.message, { hint: err.hint });
          account.rejected++;
          account.rejectedByReason[err.reasonKey] = (account.rejectedByReason[err.reasonKey] ?? 0) + 1;
          io.rejects?.reject(name, n, err.column, err.message, fields);
        }
      }
      await drain();
    }
    await cursor.close();
  } finally {
    await client.end().catch(() => {});
  }
  if (!columns) throw new InputError({ file: name }, 'the query returned no columns');
  return { account, columns };
}
