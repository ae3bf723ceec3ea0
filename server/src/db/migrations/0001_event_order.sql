-- Live events are ordered per account in commit order (not by the global bigserial, whose order is
-- allocation order: a transaction that took id 10 can commit after one that took id 11).
-- accounts.event_seq is bumped with UPDATE … RETURNING inside the business transaction; the row
-- lock it takes is held until commit, so one account's event writers commit in seq order.
ALTER TABLE "accounts" ADD COLUMN "event_seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "seq" bigint;--> statement-breakpoint
UPDATE "events" AS e SET "seq" = o.rn
  FROM (SELECT "id", row_number() OVER (PARTITION BY "account_id" ORDER BY "id") AS rn FROM "events") AS o
  WHERE e."id" = o."id";--> statement-breakpoint
UPDATE "accounts" AS a SET "event_seq" = COALESCE((SELECT max("seq") FROM "events" WHERE "account_id" = a."id"), 0);--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "seq" SET NOT NULL;--> statement-breakpoint
DROP INDEX IF EXISTS "events_account_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "events_account_seq_key" ON "events" USING btree ("account_id","seq");--> statement-breakpoint
CREATE INDEX "events_created_idx" ON "events" USING btree ("created_at");
