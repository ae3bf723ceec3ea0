-- Notification delivery (issue 8): the outbox worker's lease, reminders, account and user settings,
-- and the local mail outbox used when no SMTP_URL is set.
ALTER TABLE "notifications" ADD COLUMN "intent" text DEFAULT 'escalate' NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "round" integer;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "lease_token" text;--> statement-breakpoint
UPDATE "notifications" SET "intent" = COALESCE("payload"->>'intent', 'escalate');--> statement-breakpoint
-- The worker only ever scans pending rows by due time: a partial index keeps that scan small
-- however many sent rows pile up.
DROP INDEX IF EXISTS "notifications_due_idx";--> statement-breakpoint
CREATE INDEX "notifications_due_idx" ON "notifications" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "reminder_notifications" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "reminder_delay_minutes" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "webhook_format" text DEFAULT 'auto' NOT NULL;--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "reminders_sent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "handoffs" ADD COLUMN "last_reminded_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "handoffs_reminder_due_idx" ON "handoffs" USING btree ("created_at") WHERE status = 'open' AND reminders_sent < 3;--> statement-breakpoint
CREATE TABLE "mail_outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"notification_id" text NOT NULL,
	"intent" text NOT NULL,
	"handoff_id" text,
	"to_address" text NOT NULL,
	"from_address" text NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"html_body" text NOT NULL,
	"raw" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "mail_outbox_notification_key" ON "mail_outbox" USING btree ("notification_id");--> statement-breakpoint
CREATE INDEX "mail_outbox_account_idx" ON "mail_outbox" USING btree ("account_id","created_at");
