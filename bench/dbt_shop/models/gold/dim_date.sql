-- pipelines/gold/dim_date.sql in DuckDB: every day of the years the carts fall in.
-- GENERATE_DATE_ARRAY is generate_series over days; EXTRACT(DAYOFWEEK) (1 = Sunday) is
-- dayofweek + 1; EXTRACT(ISOWEEK) is weekofyear; LAST_DAY(d, YEAR) is December 31st.
WITH bounds AS (
  SELECT
    CAST(date_trunc('year', MIN(cart_date)) AS DATE) AS first_day,
    make_date(year(MAX(cart_date)), 12, 31) AS last_day
  FROM {{ ref('stg_cart_items') }}
),
days AS (
  SELECT CAST(UNNEST(generate_series(CAST(bounds.first_day AS TIMESTAMP), CAST(bounds.last_day AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS d
  FROM bounds
)
SELECT
  d AS date_day,
  CAST(strftime(d, '%Y%m%d') AS BIGINT) AS date_key,
  year(d) AS year,
  quarter(d) AS quarter,
  month(d) AS month,
  strftime(d, '%B') AS month_name,
  strftime(d, '%Y-%m') AS year_month,
  day(d) AS day_of_month,
  dayofyear(d) AS day_of_year,
  dayofweek(d) + 1 AS day_of_week,
  strftime(d, '%A') AS day_name,
  weekofyear(d) AS iso_week,
  dayofweek(d) + 1 IN (1, 7) AS is_weekend
FROM days
