-- description: Staged cart line items: the latest version of each cart in bronze (carts are
-- description: appended on every run, so a cart may be there several times), flattened to one row
-- description: per cart and product with the cart's own totals alongside, money as NUMERIC.
-- description: Carts created before var('min_cart_date') (default 1970-01-01) are left out.
-- materialized: view
-- tags: shop, staging
-- column cart_item_id: The line's key: '<cart_id>-<product_id>' (a cart holds a product once).
-- column cart_id: The shop's cart id.
-- column line_number: The line's position in the cart, from 1.
-- column user_id: The user whose cart it is.
-- column product_id: The product on the line.
-- column cart_date: The day (UTC) the cart was created.
-- column line_total: unit_price × quantity, before the discount.
-- column line_discounted_total: The line's total after the product's discount.
-- column cart_total: The cart's total as the shop reports it (the same on each of its lines).
-- test: not_null(cart_item_id)
-- test: unique(cart_item_id)
-- test: unique(cart_id, product_id)
-- test: not_null(cart_id)
-- test: not_null(product_id)
-- test: not_null(user_id)
WITH latest_carts AS (
  SELECT *
  FROM source('bronze', 'carts')
  WHERE id IS NOT NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY _ingested_at DESC) = 1
)
SELECT
  CONCAT(CAST(c.id AS STRING), '-', CAST(item.id AS STRING)) AS cart_item_id,
  CAST(c.id AS INT64) AS cart_id,
  line_offset + 1 AS line_number,
  CAST(c.userId AS INT64) AS user_id,
  CAST(item.id AS INT64) AS product_id,
  NULLIF(TRIM(item.title), '') AS product_title,
  CAST(item.price AS NUMERIC) AS unit_price,
  COALESCE(CAST(item.quantity AS INT64), 0) AS quantity,
  CAST(item.total AS NUMERIC) AS line_total,
  COALESCE(CAST(item.discountPercentage AS NUMERIC), 0) AS discount_percentage,
  CAST(item.discountedTotal AS NUMERIC) AS line_discounted_total,
  CAST(c.createdAt AS TIMESTAMP) AS cart_created_at,
  DATE(CAST(c.createdAt AS TIMESTAMP)) AS cart_date,
  CAST(c.total AS NUMERIC) AS cart_total,
  CAST(c.discountedTotal AS NUMERIC) AS cart_discounted_total,
  CAST(c.totalProducts AS INT64) AS cart_total_products,
  CAST(c.totalQuantity AS INT64) AS cart_total_quantity,
  c._ingested_at AS ingested_at
FROM latest_carts AS c
CROSS JOIN UNNEST(c.products) AS item WITH OFFSET AS line_offset
WHERE item.id IS NOT NULL
  AND (c.createdAt IS NULL OR DATE(CAST(c.createdAt AS TIMESTAMP)) >= CAST(var('min_cart_date', '1970-01-01') AS DATE))
