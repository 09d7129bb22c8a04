-- description: The price history of each product (type-2 slowly changing dimension): a new
-- description: version whenever a product's price or discount changes, with valid_from (the run
-- description: that saw the change), valid_to (NULL while current) and is_current.
-- materialized: scd2
-- unique_key: product_id
-- check_cols: price, discount_percentage
-- tags: shop, mart, history
-- column product_id: The shop's product id; with valid_from, the key of a version.
-- column price: The list price during the version.
-- column discount_percentage: The discount in percent during the version.
-- column source_updated_at: When the shop says it last changed the product.
-- test: not_null(product_id)
-- test: not_null(price)
-- test: unique(product_id, valid_from)
-- test: relationships(product_id, ref('dim_products'), product_id)
SELECT
  p.product_id,
  p.sku,
  p.title,
  p.price,
  p.discount_percentage,
  ROUND(p.price * (1 - p.discount_percentage / 100), 2) AS discounted_price,
  p.updated_at AS source_updated_at
FROM ref('stg_products') AS p
