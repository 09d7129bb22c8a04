-- description: The cart line fact: one row per cart and product, with the keys of its user,
-- description: product and day and its quantity and amounts. Incremental: each run merges the
-- description: lines of carts ingested since the last run (a re-ingested cart updates its lines).
-- materialized: incremental
-- incremental_strategy: merge
-- unique_key: cart_item_id
-- incremental_filter: ingested_at > (SELECT MAX(ingested_at) FROM this)
-- partition_by: cart_date
-- cluster_by: user_id, product_id
-- tags: shop, mart
-- column cart_item_id: The line's key: '<cart_id>-<product_id>'.
-- column cart_id: The shop's cart id (the degenerate dimension of the order).
-- column user_id: Key to dim_users.
-- column product_id: Key to dim_products.
-- column cart_date: Key to dim_date (the day the cart was created, UTC); the partition column.
-- column line_discount_amount: What the discount takes off the line: line_total - line_discounted_total.
-- column ingested_at: When bronze ingested the cart; the incremental high-water mark.
-- test: not_null(cart_item_id)
-- test: unique(cart_item_id)
-- test: not_null(user_id)
-- test: not_null(product_id)
-- test: not_null(cart_date)
-- test: relationships(user_id, ref('dim_users'), user_id)
-- test: relationships(product_id, ref('dim_products'), product_id)
-- test: relationships(cart_date, ref('dim_date'), date_day)
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
FROM ref('stg_cart_items') AS i
