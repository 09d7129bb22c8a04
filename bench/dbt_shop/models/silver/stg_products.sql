-- pipelines/silver/stg_products.sql in DuckDB: one row per product id, the latest version bronze
-- holds, typed (NUMERIC as DECIMAL(38,9), TIMESTAMP as TIMESTAMPTZ), nested records flattened.
WITH tags AS (
  SELECT _dlt_parent_id, list(value ORDER BY _dlt_list_idx) AS tags
  FROM {{ source('bronze', 'products__tags') }}
  GROUP BY _dlt_parent_id
)
SELECT
  CAST(p.id AS BIGINT) AS product_id,
  NULLIF(TRIM(p.title), '') AS title,
  NULLIF(TRIM(p.description), '') AS description,
  LOWER(NULLIF(TRIM(p.category), '')) AS category,
  NULLIF(TRIM(p.brand), '') AS brand,
  NULLIF(TRIM(p.sku), '') AS sku,
  CAST(p.price AS DECIMAL(38, 9)) AS price,
  COALESCE(CAST(p.discount_percentage AS DECIMAL(38, 9)), 0) AS discount_percentage,
  CAST(p.rating AS DOUBLE) AS rating,
  CAST(p.stock AS BIGINT) AS stock,
  NULLIF(TRIM(p.availability_status), '') AS availability_status,
  CAST(p.weight AS DOUBLE) AS weight,
  CAST(p.dimensions__width AS DOUBLE) AS width,
  CAST(p.dimensions__height AS DOUBLE) AS height,
  CAST(p.dimensions__depth AS DOUBLE) AS depth,
  COALESCE(t.tags, []) AS tags,
  NULLIF(TRIM(p.thumbnail), '') AS thumbnail_url,
  CAST(p.meta__created_at AS TIMESTAMPTZ) AS created_at,
  CAST(p.meta__updated_at AS TIMESTAMPTZ) AS updated_at,
  {{ ingested_at('p') }} AS ingested_at
FROM {{ source('bronze', 'products') }} AS p
LEFT JOIN tags AS t ON t._dlt_parent_id = p._dlt_id
WHERE p.id IS NOT NULL
QUALIFY ROW_NUMBER() OVER (PARTITION BY p.id ORDER BY {{ ingested_at('p') }} DESC) = 1
