-- A customer's standing delivery wishes (下午3点后送, 工作日派送, 高层无电梯需带小推车) as
-- data, in the DeliveryPreferences message's JSON form (lowerCamelCase keys, defaults left
-- out): '{}' = no preference. Read only with the customer, so no index. A constant
-- default adds the column without rewriting the table.
ALTER TABLE customers ADD COLUMN delivery_preferences jsonb NOT NULL DEFAULT '{}';
