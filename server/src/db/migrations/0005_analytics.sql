-- The demo account is found by a stored marker, not by its name: any sign-up may call itself
-- "Northwind IT", and the demo sign-ins must never be shown for such an account.
ALTER TABLE "accounts" ADD COLUMN "is_demo" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- A data folder seeded before this migration: its demo account is the one holding the seed's owner
-- (e-mails are unique across accounts) under the seed's name.
UPDATE "accounts" SET "is_demo" = true
  WHERE "name" = 'Northwind IT'
    AND "id" IN (SELECT "account_id" FROM "users" WHERE "email" = 'olivia@northwind.example');
