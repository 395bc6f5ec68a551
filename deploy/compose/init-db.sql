-- Runs once, when the compose postgres volume is first initialised (docker-entrypoint-initdb.d,
-- after the image's own PostGIS script). Mirrors pg_create_databases in deploy/dev: one role
-- and database per service, plus the extensions that need a superuser, so the services'
-- migrations can run as their own unprivileged role.
CREATE ROLE qq_customer LOGIN;
CREATE ROLE qq_order LOGIN;
CREATE ROLE qq_dispatch LOGIN;
CREATE ROLE qq_notification LOGIN;
CREATE ROLE qq_analytics LOGIN;

CREATE DATABASE qq_customer OWNER qq_customer;
CREATE DATABASE qq_order OWNER qq_order;
CREATE DATABASE qq_dispatch OWNER qq_dispatch;
CREATE DATABASE qq_notification OWNER qq_notification;
CREATE DATABASE qq_analytics OWNER qq_analytics;

\connect qq_customer
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

\connect qq_order
CREATE EXTENSION IF NOT EXISTS pgcrypto;

\connect qq_dispatch
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS postgis;

\connect qq_notification
CREATE EXTENSION IF NOT EXISTS pgcrypto;

\connect qq_analytics
CREATE EXTENSION IF NOT EXISTS pgcrypto;
