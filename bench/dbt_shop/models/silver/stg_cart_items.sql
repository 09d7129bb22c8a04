-- pipelines/silver/stg_cart_items.sql in DuckDB: the latest version of each cart, one row per cart
-- and product (dlt's carts__products child rows stand for UNNEST(products) WITH OFFSET).
WITH latest_carts AS (
  SELECT *, {{ ingested_at('carts') }} AS _ingested_at
  FROM {{ source('bronze', 'carts') }} AS carts
  WHERE id IS NOT NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY {{ ingested_at('carts') }} DESC) = 1
)
SELECT
  CAST(c.id AS VARCHAR) || '-' || CAST(item.id AS VARCHAR) AS cart_item_id,
  CAST(c.id AS BIGINT) AS cart_id,
  item._dlt_list_idx + 1 AS line_number,
  CAST(c.user_id AS BIGINT) AS user_id,
  CAST(item.id AS BIGINT) AS product_id,
  NULLIF(TRIM(item.title), '') AS product_title,
  CAST(item.price AS DECIMAL(38, 9)) AS unit_price,
  COALESCE(CAST(item.quantity AS BIGINT), 0) AS quantity,
  CAST(item.total AS DECIMAL(38, 9)) AS line_total,
  COALESCE(CAST(item.discount_percentage AS DECIMAL(38, 9)), 0) AS discount_percentage,
  CAST(item.discounted_total AS DECIMAL(38, 9)) AS line_discounted_total,
  CAST(c.created_at AS TIMESTAMPTZ) AS cart_created_at,
  CAST(CAST(c.created_at AS TIMESTAMPTZ) AS DATE) AS cart_date,
  CAST(c.total AS DECIMAL(38, 9)) AS cart_total,
  CAST(c.discounted_total AS DECIMAL(38, 9)) AS cart_discounted_total,
  CAST(c.total_products AS BIGINT) AS cart_total_products,
  CAST(c.total_quantity AS BIGINT) AS cart_total_quantity,
  c._ingested_at AS ingested_at
FROM latest_carts AS c
JOIN {{ source('bronze', 'carts__products') }} AS item ON item._dlt_parent_id = c._dlt_id
WHERE item.id IS NOT NULL
  AND (c.created_at IS NULL
       OR CAST(CAST(c.created_at AS TIMESTAMPTZ) AS DATE) >= CAST('{{ var("min_cart_date", "1970-01-01") }}' AS DATE))
