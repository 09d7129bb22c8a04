-- description: The calendar dimension: one row per day of every year the carts fall in (from the
-- description: first day of the earliest cart's year to the last day of the latest cart's year).
-- materialized: table
-- tags: shop, mart
-- column date_day: The day; the dimension's key.
-- column date_key: The day as an integer YYYYMMDD.
-- column day_of_week: 1 (Sunday) to 7 (Saturday), as EXTRACT(DAYOFWEEK) answers.
-- column is_weekend: Saturday or Sunday.
-- test: not_null(date_day)
-- test: unique(date_day)
-- test: unique(date_key)
-- test: accepted_values(quarter, [1, 2, 3, 4])
WITH bounds AS (
  SELECT
    DATE_TRUNC(MIN(cart_date), YEAR) AS first_day,
    LAST_DAY(MAX(cart_date), YEAR) AS last_day
  FROM ref('stg_cart_items')
)
SELECT
  d AS date_day,
  CAST(FORMAT_DATE('%Y%m%d', d) AS INT64) AS date_key,
  EXTRACT(YEAR FROM d) AS year,
  EXTRACT(QUARTER FROM d) AS quarter,
  EXTRACT(MONTH FROM d) AS month,
  FORMAT_DATE('%B', d) AS month_name,
  FORMAT_DATE('%Y-%m', d) AS year_month,
  EXTRACT(DAY FROM d) AS day_of_month,
  EXTRACT(DAYOFYEAR FROM d) AS day_of_year,
  EXTRACT(DAYOFWEEK FROM d) AS day_of_week,
  FORMAT_DATE('%A', d) AS day_name,
  EXTRACT(ISOWEEK FROM d) AS iso_week,
  EXTRACT(DAYOFWEEK FROM d) IN (1, 7) AS is_weekend
FROM bounds
CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(bounds.first_day, bounds.last_day)) AS d
