-- Teams, the service areas (片区) they own, and where each work order was routed.
-- PostGIS is installed by a superuser before the service first starts (deploy/dev);
-- this statement is then a no-op and documents the dependency.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE teams (
  id         uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  tenant_id  text NOT NULL,
  name       text NOT NULL,
  leader_id  text NOT NULL DEFAULT '',
  member_ids text[] NOT NULL DEFAULT '{}',
  -- Gets the work orders whose address lies in no area.
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name),
  -- Target of the tenant-scoped foreign keys below.
  UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX teams_one_default_per_tenant ON teams (tenant_id) WHERE is_default;

CREATE TABLE areas (
  id         uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  tenant_id  text NOT NULL,
  name       text NOT NULL,
  team_id    uuid NOT NULL,
  -- Where areas overlap the higher priority wins (then the smaller area, then the id).
  priority   integer NOT NULL DEFAULT 0,
  -- Outer ring in WGS-84 longitude/latitude; edges are straight in degrees, which is
  -- what a map draws at city scale.
  boundary   geometry(Polygon, 4326) NOT NULL CHECK (ST_IsValid(boundary)),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id)
);
CREATE INDEX areas_boundary ON areas USING gist (boundary);
CREATE INDEX areas_tenant ON areas (tenant_id);

-- One row per routed work order. team_id is NULL when the tenant had neither a covering
-- area nor a default team; area_id is NULL when no area decided.
CREATE TABLE assignments (
  tenant_id     text NOT NULL,
  work_order_id text NOT NULL,
  team_id       uuid,
  area_id       uuid,
  outside_areas boolean NOT NULL,
  assigned_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, work_order_id),
  FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id),
  FOREIGN KEY (tenant_id, area_id) REFERENCES areas (tenant_id, id)
);
