import https from 'node:https';
import { parseRetryAfter } from '../../http/retry-after.js';
import { checkLiteralHost, guardedLookup, WebhookAddressError } from './address-policy.js';
import { DeliveryError } from './delivery-error.js';

export interface WebhookAnswer {
  status: number;
  body: string;
  /** The receiver's Retry-After header, if any. */
  retryAfter?: string | string[];
}

/** 4xx answers that a retry cannot fix (a removed or disabled webhook, a payload it refuses). */
const PERMANENT = new Set([400, 401, 403, 404, 410, 413, 422]);

/**
 * POSTs JSON to an https URL. The address is checked on the connection itself (see
 * `guardedLookup`), redirects are not followed (a 3xx is a failure), and the whole exchange is
 * bounded by `timeoutMs`.
 */
export async function postWebhook(
  rawUrl: string,
  payload: unknown,
  opts: { allowPrivate: boolean; timeoutMs?: number },
): Promise<WebhookAnswer> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let url: URL;
  try {
    url = new URL(rawUrl);
    if (url.protocol !== 'https:') throw new WebhookAddressError('must start with https://');
    checkLiteralHost(url, opts.allowPrivate);
  } catch (err) {
    throw new DeliveryError(`Webhook refused: ${(err as Error).message}`, true);
  }
  const body = Buffer.from(JSON.stringify(payload));
  const answer = await new Promise<WebhookAnswer>((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: guardedLookup(opts.allowPrivate),
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(body.length),
          'user-agent': 'ResolutionFlow-Notifications',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < 4096) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8').slice(0, 4096),
            retryAfter: res.headers['retry-after'],
          });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  }).catch((err: unknown) => {
    if (err instanceof WebhookAddressError) throw new DeliveryError(`Webhook refused: ${err.message}`, true);
    const e = err as NodeJS.ErrnoException;
    throw new DeliveryError(`Webhook ${e.code ? `${e.code}: ` : ''}${e.message}`.slice(0, 500));
  });
  if (answer.status >= 200 && answer.status < 300) return answer;
  const detail = answer.body.replace(/\s+/g, ' ').trim().slice(0, 300);
  // Slack and Teams rate-limit with 429 and say when to come back; a 503 may say it too.
  const retryAfterMs =
    answer.status === 429 || answer.status === 503 ? parseRetryAfter(answer.retryAfter) : null;
  throw new DeliveryError(
    `Webhook answered HTTP ${answer.status}${detail ? `: ${detail}` : ''}${retryAfterMs !== null ? `; retry after ${Math.ceil(retryAfterMs / 1000)} s` : ''}`,
    PERMANENT.has(answer.status),
    answer.status,
    retryAfterMs,
  );
}
