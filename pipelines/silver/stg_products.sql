-- description: Staged products: one row per product id, the latest version bronze holds, typed
-- description: (money as NUMERIC, timestamps as TIMESTAMP), renamed to snake_case, with the nested
-- description: `dimensions` and `meta` records flattened and empty strings turned into NULLs.
-- materialized: view
-- tags: shop, staging
-- column product_id: The shop's product id; the key of this model.
-- column price: The list price in the shop's currency (NUMERIC, two decimals).
-- column discount_percentage: The product's discount in percent (0 when the shop gives none).
-- column updated_at: When the shop last changed the product (meta.updatedAt).
-- test: not_null(product_id)
-- test: unique(product_id)
-- test: not_null(price)
SELECT
  CAST(p.id AS INT64) AS product_id,
  NULLIF(TRIM(p.title), '') AS title,
  NULLIF(TRIM(p.description), '') AS description,
  LOWER(NULLIF(TRIM(p.category), '')) AS category,
  NULLIF(TRIM(p.brand), '') AS brand,
  NULLIF(TRIM(p.sku), '') AS sku,
  CAST(p.price AS NUMERIC) AS price,
  COALESCE(CAST(p.discountPercentage AS NUMERIC), 0) AS discount_percentage,
  CAST(p.rating AS FLOAT64) AS rating,
  CAST(p.stock AS INT64) AS stock,
  NULLIF(TRIM(p.availabilityStatus), '') AS availability_status,
  CAST(p.weight AS FLOAT64) AS weight,
  CAST(p.dimensions.width AS FLOAT64) AS width,
  CAST(p.dimensions.height AS FLOAT64) AS height,
  CAST(p.dimensions.depth AS FLOAT64) AS depth,
  p.tags AS tags,
  NULLIF(TRIM(p.thumbnail), '') AS thumbnail_url,
  CAST(p.meta.createdAt AS TIMESTAMP) AS created_at,
  CAST(p.meta.updatedAt AS TIMESTAMP) AS updated_at,
  p._ingested_at AS ingested_at
FROM source('bronze', 'products') AS p
WHERE p.id IS NOT NULL
QUALIFY ROW_NUMBER() OVER (PARTITION BY p.id ORDER BY p._ingested_at DESC) = 1
