-- Whether a step was one the suggestions panel offered ("I did this"), now or before the first
-- step, decided as it is logged (decision 033): the escalation snapshot's "followed" no longer
-- re-ranks the engine under the session's lock, and a suggestion offered after a first step and
-- then done counts too. Null: a step logged before this column (the snapshot matches those the old
-- way), or an entry that is not a step.
ALTER TABLE "timeline_entries" ADD COLUMN "followed" boolean;
