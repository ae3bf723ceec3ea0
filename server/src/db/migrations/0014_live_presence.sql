-- Who has ResolutionFlow open right now (decision 030): one row per user and server process that
-- holds at least one of the user's live streams, written again every 15 s. An escalation
-- e-mails only the teammates who are not on it (PRODUCT.md: "Teammates who are not on the page get
-- an email"); rows of a process that died go stale and are ignored, then swept.
CREATE TABLE "live_presence" (
	"user_id" text NOT NULL,
	"origin" text NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "live_presence_pkey" PRIMARY KEY("user_id","origin")
);
