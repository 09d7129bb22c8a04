-- pipelines/tests/assert_cart_totals_match.sql in DuckDB: rows are failures.
WITH carts AS (
  SELECT
    cart_id,
    CAST(cart_total AS DOUBLE) AS cart_total,
    SUM(CAST(line_total AS DOUBLE)) AS sum_of_line_totals,
    CAST(cart_discounted_total AS DOUBLE) AS cart_discounted_total,
    SUM(CAST(line_discounted_total AS DOUBLE)) AS sum_of_line_discounted_totals,
    COUNT_IF(ABS(unit_price * quantity - line_total) > 0.01) AS lines_off
  FROM {{ ref('stg_cart_items') }}
  GROUP BY cart_id, cart_total, cart_discounted_total
)
SELECT *
FROM carts
WHERE ABS(sum_of_line_totals - cart_total) > 0.01
  OR ABS(sum_of_line_discounted_totals - cart_discounted_total) > 0.01
  OR lines_off > 0
