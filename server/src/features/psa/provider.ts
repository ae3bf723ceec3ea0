/**
 * The PSA provider interface (decision 025). Session code, the outbox delivery and the routes talk
 * to a PSA only through this: ConnectWise PSA is the first implementation (connectwise.ts);
 * Autotask and HaloPSA implement the same methods and register in `createProvider` (registry.ts).
 *
 * Every method throws a `PsaError` whose `problem` says in one word what went wrong and whose
 * message says it in plain words; the outbox decides from `retryable` / `retryAfterMs` whether and
 * when to try again.
 */
import type { TPsaProblem } from '@rf/contracts';

export interface PsaTicket {
  id: number;
  summary: string;
  company: string | null;
  status: string | null;
  board: { id: number; name: string } | null;
}

export interface PsaStatus {
  id: number;
  name: string;
  closed: boolean;
}

export interface PsaMember {
  id: number;
  identifier: string;
  name: string;
  email: string | null;
}

/** A note or time entry carries this reference, so a retry after a timeout can tell it landed. */
export interface PsaMarker {
  /** Unique per note and operation, e.g. `rf-note-<id>`. */
  ref: string;
}

export interface PsaNote {
  text: string;
  /** Only internal notes are posted: never visible to the customer. */
  internal: true;
  /** The member the note is attributed to, when the author is mapped. */
  memberId: number | null;
}

export interface PsaTimeEntry {
  memberId: number | null;
  start: Date;
  end: Date;
  notes: string;
}

export interface PsaProvider {
  readonly kind: 'connectwise';
  /** Signs in and reads something harmless; resolves with the PSA's version when it says. */
  testConnection(): Promise<{ version: string | null }>;
  /** The ticket, or null when the PSA has no ticket with this number. */
  findTicket(id: number): Promise<PsaTicket | null>;
  /** The statuses a ticket may move to (its board's), without inactive ones. */
  listStatuses(ticket: PsaTicket): Promise<PsaStatus[]>;
  /**
   * Posts an internal note carrying `marker`. With `mayExist` (an earlier attempt may have reached
   * the PSA) it first looks for a note with the marker and does not post a second one.
   */
  postNote(
    ticketId: number,
    note: PsaNote,
    marker: PsaMarker,
    opts: { mayExist: boolean },
  ): Promise<{ id: number; alreadyThere: boolean }>;
  /** Moves the ticket to a status (setting the same status again is harmless). */
  updateStatus(ticketId: number, statusId: number): Promise<void>;
  addTimeEntry(
    ticketId: number,
    entry: PsaTimeEntry,
    marker: PsaMarker,
    opts: { mayExist: boolean },
  ): Promise<{ id: number; alreadyThere: boolean }>;
  listMembers(): Promise<PsaMember[]>;
  findMemberByEmail(email: string): Promise<PsaMember | null>;
}

export class PsaError extends Error {
  constructor(
    readonly problem: TPsaProblem | 'not_found' | 'rejected',
    message: string,
    readonly opts: { status?: number | null; retryable?: boolean; retryAfterMs?: number | null } = {},
  ) {
    super(message);
  }
  get status() {
    return this.opts.status ?? null;
  }
  /** A retry may help (network, timeout, 429, 5xx); keys, permissions and bad requests will not. */
  get retryable() {
    return this.opts.retryable ?? false;
  }
  get retryAfterMs() {
    return this.opts.retryAfterMs ?? null;
  }
}
