/**
 * `Idempotency-Key` on creates (session, step, note, assistant message, escalation): a retried
 * request with the same key, from the same user, does nothing twice and answers what the first one
 * answered (status and body). docs/decisions/007-transactions-and-lock-order.md has the why.
 *
 * How: the first request INSERTs (user, key) — the unique index decides between twins that arrive
 * together — runs, and stores its answer. A twin that finds the key answered replays the answer;
 * one that finds it still running waits for it (bounded). A key reused for another request (route,
 * path or body) is refused with 422 `idempotency_key_reused`. A run that fails changed nothing (its
 * transaction rolled back), so its key is dropped and a retry runs again. Keys expire after 24 h.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { AuthUser } from '../../http/auth-context.js';
import * as repo from './repo.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const KEY_TTL_MS = 24 * 3600_000;
/** A run still unanswered after this long belongs to a process that died: a retry takes it over. */
export const ABANDONED_AFTER_MS = 60_000;
/** How long a twin waits for the first request to answer before saying "still in progress". */
export const WAIT_FOR_FIRST_MS = 15_000;

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readKey(req: FastifyRequest): string | null {
  const raw = req.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return null;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || !KEY_PATTERN.test(key)) {
    throw new AppError(
      'invalid_input',
      400,
      'Idempotency-Key: must be 1 to 255 visible ASCII characters (a UUID is a good key)',
      { field: 'Idempotency-Key' },
    );
  }
  return key;
}

/**
 * JSON with every object's keys sorted (UTF-16 code-unit order, as Array#sort does):
 * `{"problem":"p","title":"t"}` and `{"title":"t","problem":"p"}` are one request, whichever
 * order a client's library writes them in.
 * Arrays keep their order (it means something); a body is parsed JSON, so it has no cycles.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * What makes two requests "the same": method, route, path parameters and body, the body in its
 * canonical form (key order does not matter; an empty body is the same as none).
 */
function fingerprint(req: FastifyRequest): string {
  return createHash('sha256')
    .update(canonicalJson([req.method, req.routeOptions.url, req.params ?? null, req.body ?? null]))
    .digest('hex');
}

/**
 * Runs `run` once per (user, Idempotency-Key) and answers `status` with its result; without the
 * header it just runs. Call it after authentication and input validation.
 */
export async function idempotent<T>(
  deps: Deps,
  req: FastifyRequest,
  reply: FastifyReply,
  actor: AuthUser,
  status: number,
  run: () => Promise<T>,
): Promise<T> {
  const key = readKey(req);
  if (key === null) {
    const result = await run();
    reply.code(status);
    return result;
  }
  const db = deps.db.db;
  const requestHash = fingerprint(req);
  const started = Date.now();
  let pause = 20;
  let mine = false;
  // Bounded: each turn sleeps unless the key changed hands in between.
  for (let turn = 0; turn < 500 && !mine; turn++) {
    const now = deps.clock();
    mine = await repo.insertKey(db, { userId: actor.id, key, accountId: actor.accountId, requestHash, now });
    if (mine) break;
    const row = await repo.findKey(db, actor.id, key);
    if (!row) continue; // dropped by a failed first run just now: try to take it
    if (row.createdAt.getTime() < now.getTime() - KEY_TTL_MS) {
      const expiredBefore = new Date(now.getTime() - KEY_TTL_MS);
      mine = await repo.renewExpiredKey(db, { userId: actor.id, key, requestHash, expiredBefore, now });
      continue;
    }
    if (row.requestHash !== requestHash) {
      throw new AppError(
        'idempotency_key_reused',
        422,
        'This Idempotency-Key was already used for a different request; send a new key for a new request',
      );
    }
    if (row.responseStatus !== null) {
      reply.code(row.responseStatus);
      reply.header('idempotent-replayed', 'true');
      return row.responseBody as T;
    }
    const abandonedBefore = new Date(now.getTime() - ABANDONED_AFTER_MS);
    if (row.lockedAt < abandonedBefore) {
      mine = await repo.takeOverAbandonedKey(db, { userId: actor.id, key, abandonedBefore, now });
      continue;
    }
    if (Date.now() - started > WAIT_FOR_FIRST_MS) break;
    await sleep(pause);
    pause = Math.min(pause * 2, 250);
  }
  if (!mine) {
    throw new AppError(
      'idempotency_in_progress',
      409,
      'The first request with this Idempotency-Key is still running; retry in a moment',
      { retryAfterSeconds: 1 },
    );
  }

  let result: T;
  try {
    result = await run();
  } catch (err) {
    await repo
      .deletePendingKey(db, actor.id, key)
      .catch((e) => req.log.error({ err: e }, 'idempotency: dropping key failed'));
    throw err;
  }
  try {
    await repo.storeResponse(db, actor.id, key, status, result);
  } catch (err) {
    // The work is done and committed: answer it. A retry will wait, then take the key over.
    req.log.error({ err }, 'idempotency: storing the answer failed');
  }
  reply.code(status);
  return result;
}

/** Deletes keys older than 24 hours (the periodic housekeeping job calls this); returns how many. */
export function purgeExpiredIdempotencyKeys(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  return repo.deleteKeysBefore(deps.db.db, new Date(deps.clock().getTime() - KEY_TTL_MS));
}
