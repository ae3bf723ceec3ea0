/**
 * Saving a ticket note: a leaf module the resolve and escalate transactions call, inside their own
 * unit of work, so the note is saved with the status change it documents or not at all (a failed
 * resolve saves no note; a committed one never lacks its note). It never opens a transaction.
 */
import type { TTicketNoteKind } from '@rf/contracts';
import type { Tx } from '../../db/client.js';
import type { Work } from '../../db/tx.js';
import { newId } from '../auth/tokens.js';
import * as repo from './repo.js';

export interface NewTicketNote {
  accountId: string;
  sessionId: string;
  handoffId?: string | null;
  kind: TTicketNoteKind;
  /** The plain-text note as saved (the technician's edit, or the generated note). */
  body: string;
  minutesWorked: number | null;
  createdById: string;
  createdAt: Date;
}

export async function saveTicketNote(workOrTx: Work | Tx, note: NewTicketNote): Promise<{ id: string }> {
  const tx = 'tx' in workOrTx && 'atEnd' in workOrTx ? workOrTx.tx : (workOrTx as Tx);
  return repo.insertNote(tx, {
    id: newId(),
    accountId: note.accountId,
    sessionId: note.sessionId,
    handoffId: note.handoffId ?? null,
    kind: note.kind,
    body: note.body,
    minutesWorked: note.minutesWorked,
    createdById: note.createdById,
    createdAt: note.createdAt,
  });
}
