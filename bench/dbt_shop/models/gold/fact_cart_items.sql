-- pipelines/gold/fact_cart_items.sql in DuckDB: incremental on cart_item_id. dbt-duckdb 1.9 has no
-- `merge` strategy, so delete+insert on the unique key stands for it (the same rows: matched
-- keys replaced, new keys inserted, nothing else deleted); no partitioning or clustering in DuckDB.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='cart_item_id') }}
SELECT
  i.cart_item_id,
  i.cart_id,
  i.line_number,
  i.cart_date,
  i.cart_created_at,
  i.user_id,
  i.product_id,
  i.quantity,
  i.unit_price,
  i.discount_percentage,
  i.line_total,
  i.line_discounted_total,
  i.line_total - i.line_discounted_total AS line_discount_amount,
  i.ingested_at
FROM {{ ref('stg_cart_items') }} AS i
{% if is_incremental() %}
WHERE i.ingested_at > (SELECT MAX(ingested_at) FROM {{ this }})
{% endif %}
