-- An escalation's delivery rows (one in-app and one e-mail row per teammate, and the webhook's) are
-- written right after the escalation commits and its live card has gone out, not inside it
-- (decision 032): `deliveries_pending` is set by the escalating transaction and cleared by the one
-- statement that writes the rows, so they are written exactly once; the outbox worker writes those
-- of an escalation whose process died in between. Older handoffs have theirs already.
ALTER TABLE "handoffs" ADD COLUMN "deliveries_pending" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "handoffs_deliveries_pending_idx" ON "handoffs" USING btree ("created_at") WHERE deliveries_pending;
