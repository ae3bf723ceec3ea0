import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { ticketNotes, users } from '../../db/schema.js';

export type TicketNoteRow = typeof ticketNotes.$inferSelect;

export async function insertNote(db: DbOrTx, row: typeof ticketNotes.$inferInsert) {
  const [n] = await db.insert(ticketNotes).values(row).returning({ id: ticketNotes.id });
  return n!;
}

/** A session's notes, oldest first, with their authors' names. */
export async function listNotes(db: DbOrTx, accountId: string, sessionId: string) {
  return db
    .select({ note: ticketNotes, authorName: users.name })
    .from(ticketNotes)
    .innerJoin(users, eq(users.id, ticketNotes.createdById))
    .where(and(eq(ticketNotes.accountId, accountId), eq(ticketNotes.sessionId, sessionId)))
    .orderBy(asc(ticketNotes.createdAt), asc(ticketNotes.id));
}

export async function findNote(db: DbOrTx, accountId: string, sessionId: string, noteId: string) {
  const [row] = await db
    .select({ note: ticketNotes, authorName: users.name })
    .from(ticketNotes)
    .innerJoin(users, eq(users.id, ticketNotes.createdById))
    .where(
      and(
        eq(ticketNotes.accountId, accountId),
        eq(ticketNotes.sessionId, sessionId),
        eq(ticketNotes.id, noteId),
      ),
    );
  return row ?? null;
}

/** A user's name in the account (an escalation's target), or null. */
export async function findUserName(db: DbOrTx, accountId: string, userId: string) {
  const [u] = await db
    .select({ name: users.name })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.id, userId)));
  return u?.name ?? null;
}
