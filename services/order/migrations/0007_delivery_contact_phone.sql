-- Where to tell the customer about a delivery (courier on the way, please rate us): the
-- customer's first phone when the order was taken, as work orders keep contact_phone.
ALTER TABLE delivery_orders ADD COLUMN contact_phone text NOT NULL DEFAULT '';
