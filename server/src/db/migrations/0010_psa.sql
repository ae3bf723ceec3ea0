-- PSA integration (issue 15): the account's ConnectWise connection (API keys encrypted at rest,
-- AES-256-GCM), manual member-mapping overrides, a session's linked ticket, and PSA posts as
-- outbox rows (channel 'psa'): one row per note and operation, unique by dedupe_key.
CREATE TABLE "psa_connections" (
	"account_id" text PRIMARY KEY NOT NULL,
	"provider" text DEFAULT 'connectwise' NOT NULL,
	"site_url" text NOT NULL,
	"company_id" text NOT NULL,
	"keys_enc" text NOT NULL,
	"public_key_last4" text NOT NULL,
	"updated_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
ALTER TABLE "psa_connections" ADD CONSTRAINT "psa_connections_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "psa_member_overrides" (
	"account_id" text NOT NULL,
	"user_id" text NOT NULL,
	"member_id" integer NOT NULL,
	"member_identifier" text NOT NULL,
	"member_name" text NOT NULL,
	"set_by" text,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "psa_member_overrides_pk" PRIMARY KEY("account_id","user_id")
);--> statement-breakpoint
ALTER TABLE "psa_member_overrides" ADD CONSTRAINT "psa_member_overrides_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "psa_ticket_links" (
	"session_id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"provider" text DEFAULT 'connectwise' NOT NULL,
	"ticket_id" integer NOT NULL,
	"summary" text NOT NULL,
	"company" text,
	"status" text,
	"board_id" integer,
	"board_name" text,
	"linked_by" text NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
ALTER TABLE "psa_ticket_links" ADD CONSTRAINT "psa_ticket_links_session_id_flow_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."flow_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "psa_ticket_links_account_idx" ON "psa_ticket_links" USING btree ("account_id");--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "session_id" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_dedupe_key" ON "notifications" USING btree ("dedupe_key") WHERE dedupe_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX "notifications_session_idx" ON "notifications" USING btree ("session_id") WHERE session_id IS NOT NULL;
