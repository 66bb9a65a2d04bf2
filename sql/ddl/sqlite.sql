-- cinepicks store: reference DDL for SQLite, as the migrations in sql/src/migrations/ create it.
-- tests/store_schema.rs checks that running this file and running the migrations give the same schema
-- (columns, keys, foreign keys and indexes, compared through PRAGMA introspection).
-- Refresh it with `cargo run -p cinepicks-store --example ddl` after adding a migration.
-- Connections also set: journal_mode=WAL, synchronous=NORMAL, foreign_keys=ON, busy_timeout=60000,
-- secure_delete=ON (deleted rows are overwritten: an erased customer leaves nothing in the file).

-- Catalogue display data (refreshed from the lake by publish).
CREATE TABLE "films" (
  "film_id" text NOT NULL PRIMARY KEY,
  "title_type" text NOT NULL,
  "primary_title" text NOT NULL,
  "original_title" text NULL,
  "french_title" text NULL,
  "display_title_fr" text NOT NULL,
  "start_year" integer NULL,
  "runtime_minutes" integer NULL,
  "genres" text NULL,
  "average_rating" double NULL,
  "num_votes" integer NULL,
  "poster_url" text NULL,
  "updated_at" timestamp_with_timezone_text NOT NULL,
  "original_language" text NULL,
  "overview" text NULL
);

CREATE TABLE "people" (
  "person_id" text NOT NULL PRIMARY KEY,
  "primary_name" text NOT NULL,
  "birth_year" integer NULL,
  "death_year" integer NULL
);

CREATE TABLE "film_people" (
  "film_id" text NOT NULL,
  "person_id" text NOT NULL,
  "role" text NOT NULL,
  "ordering" integer NOT NULL,
  "characters" text NULL,
  PRIMARY KEY ("film_id", "role", "person_id"),
  FOREIGN KEY ("film_id") REFERENCES "films" ("film_id") ON DELETE CASCADE,
  FOREIGN KEY ("person_id") REFERENCES "people" ("person_id") ON DELETE CASCADE
);
CREATE INDEX "ix_film_people_person_id" ON "film_people" ("person_id");

-- Model runs and their outputs (one set per run; pruning a run cascades to its outputs).
CREATE TABLE "model_runs" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "run_id" text NOT NULL UNIQUE,
  "kinds" json_text NOT NULL,
  "status" text NOT NULL,
  "created_at" timestamp_with_timezone_text NOT NULL,
  "published_at" timestamp_with_timezone_text NULL,
  "parameters" json_text NOT NULL,
  "metrics" json_text NOT NULL,
  "data_hashes" json_text NOT NULL,
  "artefact_path" text NOT NULL,
  "active" boolean NOT NULL DEFAULT FALSE
);
-- At most one active run.
CREATE UNIQUE INDEX "ux_model_runs_single_active" ON "model_runs" ("active") WHERE "active" = TRUE;

CREATE TABLE "similar_films" (
  "model_run_id" integer NOT NULL,
  "film_id" text NOT NULL,
  "model" text NOT NULL,
  "rank" integer NOT NULL,
  "neighbour_id" text NOT NULL,
  "score" float NOT NULL,
  "reason_kind" text NOT NULL,
  "reason_detail" text NULL,
  PRIMARY KEY ("model_run_id", "film_id", "model", "rank"),
  -- No foreign keys to films: publish checks film ids itself on this bulk-loaded table (see MODEL.md).
  FOREIGN KEY ("model_run_id") REFERENCES "model_runs" ("id") ON DELETE CASCADE
);

CREATE TABLE "popularity_predictions" (
  "model_run_id" integer NOT NULL,
  "film_id" text NOT NULL,
  "predicted_rating" float NULL,
  "predicted_num_votes" float NULL,
  PRIMARY KEY ("model_run_id", "film_id"),
  FOREIGN KEY ("model_run_id") REFERENCES "model_runs" ("id") ON DELETE CASCADE,
  FOREIGN KEY ("film_id") REFERENCES "films" ("film_id") ON DELETE RESTRICT
);

CREATE TABLE "audience_segments" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "model_run_id" integer NOT NULL,
  "film_id" text NOT NULL,
  "age_band" text NULL,
  "gender" text NULL,
  "occupation" text NULL,
  "lift" float NOT NULL,
  FOREIGN KEY ("model_run_id") REFERENCES "model_runs" ("id") ON DELETE CASCADE,
  FOREIGN KEY ("film_id") REFERENCES "films" ("film_id") ON DELETE RESTRICT
);
CREATE INDEX "ix_audience_segments_run_film" ON "audience_segments" ("model_run_id", "film_id");

-- Job runs, one per (job, logical key).
CREATE TABLE "job_runs" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "job" text NOT NULL,
  "logical_key" text NOT NULL,
  "status" text NOT NULL,
  "started_at" timestamp_with_timezone_text NOT NULL,
  "finished_at" timestamp_with_timezone_text NULL,
  "attempts" integer NOT NULL DEFAULT 1,
  "error" text NULL,
  "metrics" json_text NULL,
  "host" text NULL,
  "worker" integer NULL
);
CREATE UNIQUE INDEX "ux_job_runs_job_logical_key" ON "job_runs" ("job", "logical_key");

-- Customers, subscriptions, likes and the weekly deliveries (outbox).
CREATE TABLE "customers" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "name" text NOT NULL,
  "locale" text NOT NULL,
  "created_at" timestamp_with_timezone_text NOT NULL,
  "genres" text NULL
);

CREATE TABLE "subscriptions" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "customer_id" integer NOT NULL,
  "channel" text NOT NULL,
  "address" text NOT NULL,
  "consent_at" timestamp_with_timezone_text NOT NULL,
  "consent_source" text NOT NULL,
  "unsubscribe_token" text NOT NULL UNIQUE,
  "unsubscribed_at" timestamp_with_timezone_text NULL,
  "bounces" integer NOT NULL DEFAULT 0,
  "flagged_at" timestamp_with_timezone_text NULL,
  "confirmed_at" timestamp_with_timezone_text NULL,
  FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "ux_subscriptions_channel_address" ON "subscriptions" ("channel", "address");
CREATE INDEX "ix_subscriptions_customer_id" ON "subscriptions" ("customer_id");

CREATE TABLE "likes" (
  "customer_id" integer NOT NULL,
  "film_id" text NOT NULL,
  "source" text NOT NULL,
  "liked_at" timestamp_with_timezone_text NOT NULL,
  PRIMARY KEY ("customer_id", "film_id"),
  FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE,
  FOREIGN KEY ("film_id") REFERENCES "films" ("film_id") ON DELETE RESTRICT
);

CREATE TABLE "deliveries" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "customer_id" integer NOT NULL,
  "iso_week" text NOT NULL,
  "channel" text NOT NULL,
  "picks" json_text NOT NULL,
  "status" text NOT NULL,
  "attempts" integer NOT NULL DEFAULT 0,
  "next_attempt_at" timestamp_with_timezone_text NULL,
  "last_error" text NULL,
  "sent_at" timestamp_with_timezone_text NULL,
  "provider_message_id" text NULL,
  "subscription_id" integer NULL,
  "claimed_at" timestamp_with_timezone_text NULL,
  "claimed_by" integer NULL,
  "opened_at" timestamp_with_timezone_text NULL,
  FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE
);
-- One delivery per customer, ISO week and channel, whatever re-runs.
CREATE UNIQUE INDEX "ux_deliveries_customer_week_channel" ON "deliveries" ("customer_id", "iso_week", "channel");
CREATE INDEX "ix_deliveries_status_next_attempt" ON "deliveries" ("status", "next_attempt_at");
CREATE INDEX "ix_deliveries_week_status" ON "deliveries" ("iso_week", "status");

-- What the cinema shows, per ISO week.
CREATE TABLE "programme" (
  "iso_week" text NOT NULL,
  "film_id" text NOT NULL,
  "added_at" timestamp_with_timezone_text NOT NULL,
  PRIMARY KEY ("iso_week", "film_id"),
  FOREIGN KEY ("film_id") REFERENCES "films" ("film_id") ON DELETE RESTRICT
);

-- Confirmation messages of web subscriptions (double opt-in), queued by the site and sent within caps.
CREATE TABLE "confirmations" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "subscription_id" integer NOT NULL,
  "channel" text NOT NULL,
  "address" text NOT NULL,
  "requested_at" timestamp_with_timezone_text NOT NULL,
  "attempts" integer NOT NULL DEFAULT 0,
  "last_error" text NULL,
  "next_attempt_at" timestamp_with_timezone_text NULL,
  "sent_at" timestamp_with_timezone_text NULL,
  "failed_at" timestamp_with_timezone_text NULL,
  FOREIGN KEY ("subscription_id") REFERENCES "subscriptions" ("id") ON DELETE CASCADE
);
CREATE INDEX "ix_confirmations_address_requested_at" ON "confirmations" ("address", "requested_at");
CREATE INDEX "ix_confirmations_channel_requested_at" ON "confirmations" ("channel", "requested_at");

-- Every change of a subscription's consent, with its source and time.
CREATE TABLE "consent_events" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "subscription_id" integer NOT NULL,
  "kind" text NOT NULL,
  "source" text NOT NULL,
  "occurred_at" timestamp_with_timezone_text NOT NULL,
  FOREIGN KEY ("subscription_id") REFERENCES "subscriptions" ("id") ON DELETE CASCADE
);
CREATE INDEX "ix_consent_events_subscription_id" ON "consent_events" ("subscription_id");

-- Screenings (séances): a film at a time in a room; one per room and start time.
CREATE TABLE "screenings" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "film_id" text NOT NULL,
  "starts_at" timestamp_with_timezone_text NOT NULL,
  "room" text NOT NULL,
  "version" text NOT NULL,
  "price_cents" integer NULL,
  "booking_url" text NULL,
  "note" text NULL,
  "source" text NOT NULL,
  "updated_at" timestamp_with_timezone_text NOT NULL,
  FOREIGN KEY ("film_id") REFERENCES "films" ("film_id") ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "ux_screenings_room_starts_at" ON "screenings" ("room", "starts_at");
CREATE INDEX "ix_screenings_starts_at" ON "screenings" ("starts_at");

-- Feedback on a film shown to a customer: one event per customer, film and kind.
CREATE TABLE "feedback" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "customer_id" integer NOT NULL,
  "film_id" text NOT NULL,
  "kind" text NOT NULL,
  "source" text NOT NULL,
  "given_at" timestamp_with_timezone_text NOT NULL,
  FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE,
  FOREIGN KEY ("film_id") REFERENCES "films" ("film_id") ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "ux_feedback_customer_film_kind" ON "feedback" ("customer_id", "film_id", "kind");
CREATE INDEX "ix_feedback_given_at" ON "feedback" ("given_at");

-- The owner's sessions signed out before their expiry, shared by every serve replica.
CREATE TABLE "owner_sign_outs" (
  "session_id" text NOT NULL PRIMARY KEY,
  "expires_at" timestamp_with_timezone_text NOT NULL
);

-- The cinema's own synopsis of a film, per language (fr, en): a French page has no other.
CREATE TABLE "film_synopses" (
  "film_id" text NOT NULL,
  "locale" text NOT NULL,
  "synopsis" text NOT NULL,
  "updated_at" timestamp_with_timezone_text NOT NULL,
  PRIMARY KEY ("film_id", "locale")
);
