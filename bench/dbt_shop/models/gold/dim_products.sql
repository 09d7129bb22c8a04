-- pipelines/gold/dim_products.sql in DuckDB (a table; DuckDB has no clustering).
SELECT
  p.product_id,
  p.title,
  p.description,
  p.category,
  COALESCE(p.brand, 'Unbranded') AS brand,
  p.sku,
  p.price,
  p.discount_percentage,
  ROUND(p.price * (1 - {{ numeric_div('p.discount_percentage', 100) }}), 2) AS discounted_price,
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
FROM {{ ref('stg_products') }} AS p
