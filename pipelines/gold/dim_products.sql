-- description: The product dimension: one row per product with its category, brand, list and
-- description: discounted price, rating and stock. Rebuilt from the staged products on every run.
-- materialized: table
-- cluster_by: category
-- tags: shop, mart
-- column product_id: The shop's product id; the dimension's key.
-- column brand: The product's brand, 'Unbranded' when the shop names none.
-- column discounted_price: The list price less the product's discount, rounded to the cent.
-- column availability_status: In Stock, Low Stock (under 10) or Out of Stock.
-- test: not_null(product_id)
-- test: unique(product_id)
-- test: not_null(price)
-- test: accepted_values(availability_status, ['In Stock', 'Low Stock', 'Out of Stock'])
SELECT
  p.product_id,
  p.title,
  p.description,
  p.category,
  COALESCE(p.brand, 'Unbranded') AS brand,
  p.sku,
  p.price,
  p.discount_percentage,
  ROUND(p.price * (1 - p.discount_percentage / 100), 2) AS discounted_price,
  p.rating,
  p.stock,
  p.availability_status,
  p.weight,
  p.width,
  p.height,
  p.depth,
  p.tags,
  p.thumbnail_url,
  p.created_at,
  p.updated_at
FROM ref('stg_products') AS p
