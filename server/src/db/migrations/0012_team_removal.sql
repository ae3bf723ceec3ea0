-- Team management (security probe, finding 7): a teammate can be removed (their sign-ins end, they
-- can no longer sign in, their history stays attributed to them) and a pending invitation revoked.
ALTER TABLE "users" ADD COLUMN "deactivated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "revoked_at" timestamp with time zone;
