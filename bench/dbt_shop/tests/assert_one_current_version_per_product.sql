-- pipelines/tests/assert_one_current_version_per_product.sql in DuckDB (is_current is valid_to IS NULL).
SELECT product_id, COUNT_IF(valid_to IS NULL) AS current_versions, COUNT_IF(valid_to < valid_from) AS inverted_versions
FROM {{ ref('dim_products_history') }}
GROUP BY product_id
HAVING COUNT_IF(valid_to IS NULL) != 1 OR COUNT_IF(valid_to < valid_from) > 0
