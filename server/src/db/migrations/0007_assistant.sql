-- The assistant reads each account's newest resolved sessions as its team history.
CREATE INDEX "flow_sessions_resolved_idx" ON "flow_sessions" USING btree ("account_id","resolved_at" DESC,"id" DESC) WHERE "flow_sessions"."status" = 'resolved';
