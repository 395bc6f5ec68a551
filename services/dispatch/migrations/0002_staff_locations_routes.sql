-- Workers and couriers in the field, their devices and position history, and the
-- couriers' delivery stops.

CREATE TABLE staff (
  tenant_id        text NOT NULL,
  user_id          text NOT NULL,
  kind             text NOT NULL,
  name             text NOT NULL DEFAULT '',
  team_id          uuid,
  skills           text[] NOT NULL DEFAULT '{}',
  -- {"shifts":[…]}: qingquan.dispatch.v1.Staff's shifts in proto JSON.
  shifts           text NOT NULL DEFAULT '{}',
  home_lat         float8,
  home_lng         float8,
  vehicle          text NOT NULL DEFAULT 'VEHICLE_UNSPECIFIED',
  capacity_barrels int NOT NULL DEFAULT 0,
  on_duty          boolean NOT NULL DEFAULT false,
  duty_changed_at  timestamptz,
  last_lat         float8,
  last_lng         float8,
  last_position_at timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id),
  FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id)
);

-- A device reports for one person of one tenant; another account using the same device
-- id is refused.
CREATE TABLE staff_devices (
  device_id      text PRIMARY KEY,
  tenant_id      text NOT NULL,
  user_id        text NOT NULL,
  last_report_at timestamptz
);

-- Position history, one partition per day (created ahead and dropped after the retention
-- period by the service); the default partition only catches what no day takes.
CREATE TABLE staff_locations (
  tenant_id   text NOT NULL,
  user_id     text NOT NULL,
  device_id   text NOT NULL,
  reported_at timestamptz NOT NULL,
  lat         float8 NOT NULL,
  lng         float8 NOT NULL,
  accuracy_m  real,
  speed_mps   real,
  heading_deg real
) PARTITION BY RANGE (reported_at);
CREATE TABLE staff_locations_default PARTITION OF staff_locations DEFAULT;
CREATE INDEX staff_locations_by_person ON staff_locations (tenant_id, user_id, reported_at);

-- Delivery orders as the couriers' routes need them (copied from the order service's
-- events), with the courier and place on the route the optimiser gave them.
CREATE TABLE delivery_stops (
  tenant_id             text NOT NULL,
  order_id              text NOT NULL,
  number                text NOT NULL,
  -- The order's state: PENDING, ASSIGNED, DELIVERING, then DELIVERED or CANCELLED.
  state                 text NOT NULL,
  customer_id           text NOT NULL,
  customer_name         text NOT NULL DEFAULT '',
  customer_phone_masked text NOT NULL DEFAULT '',
  address_text          text NOT NULL DEFAULT '',
  lat                   float8,
  lng                   float8,
  customer_tags         text[] NOT NULL DEFAULT '{}',
  delivery_notes        text NOT NULL DEFAULT '',
  notes                 text NOT NULL DEFAULT '',
  item_products         text[] NOT NULL DEFAULT '{}',
  item_quantities       int[] NOT NULL DEFAULT '{}',
  demand                int NOT NULL,
  payment               text NOT NULL DEFAULT '',
  window_start          timestamptz,
  window_end            timestamptz,
  courier_id            text NOT NULL DEFAULT '',
  sequence              int NOT NULL DEFAULT 0,
  -- Why the optimiser could not place it (TIME_WINDOW, CAPACITY, SHIFT_END, NO_VEHICLE,
  -- NO_LOCATION), or why it came back (a failed delivery).
  unassigned_reason     text NOT NULL DEFAULT '',
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, order_id)
);
CREATE INDEX delivery_stops_open ON delivery_stops (tenant_id, courier_id, sequence)
  WHERE state IN ('PENDING', 'ASSIGNED', 'DELIVERING');
