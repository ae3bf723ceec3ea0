-- Who owned the session when it was escalated: a release gives the session back to them. Before,
-- a release gave it to the escalator, and an admin who escalated someone's session on their behalf
-- became its owner (the technician lost write access to their own session). Older rows: the
-- escalator, which was the owner whenever the technician escalated their own session.
ALTER TABLE "handoffs" ADD COLUMN "owner_at_escalation" text;--> statement-breakpoint
UPDATE "handoffs" SET "owner_at_escalation" = "created_by" WHERE "owner_at_escalation" IS NULL;
