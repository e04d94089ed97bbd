/**
 * The PostgreSQL server of the warehouse tests: the one the libpq environment names (PGHOST, PGUSER, ...; CI
 * starts one with scripts/pg-cluster.sh). `postgresAvailable(what)` probes it once; without a server the
 * tests are skipped with a message, except under CI, where that is an error.
 */
import { spawnSync } from 'node:child_process';

/** Runs psql with ON_ERROR_STOP on `database`. */
export function psql(args: string[], database = process.env.PGDATABASE ?? 'postgres'): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', database, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

/** Whether a server answers; warns (or, under CI, throws) naming `what` when not. */
export function postgresAvailable(what: string): boolean {
  const probe = psql(['-Atc', 'select 1']);
  const available = probe.ok && probe.stdout.trim() === '1';
  if (!available) {
    const why = `${what}: no server reachable (${probe.stderr.trim().split('\n')[0] || 'psql not found'}); start one with: source scripts/pg-cluster.sh start`;
    if (process.env.CI) throw new Error(`${why} (CI must run them)`);
    console.warn(`skipped: ${why}`);
  }
  return available;
}

/** A postgres:// URL to `database` on the server of the libpq environment, with `extra` query parameters (table=, query=). */
export function databaseUrl(database: string, extra = ''): string {
  const host = process.env.PGHOST ?? 'localhost';
  const user = encodeURIComponent(process.env.PGUSER ?? 'postgres');
  const params = new URLSearchParams();
  if (host.startsWith('/')) params.set('host', host);
  if (process.env.PGPORT) params.set('port', process.env.PGPORT);
  const query = `${params.toString()}${extra ? `${params.toString() ? '&' : ''}${extra}` : ''}`;
  return `postgres://${user}@${host.startsWith('/') ? 'localhost' : host}/${database}${query ? `?${query}` : ''}`;
}
