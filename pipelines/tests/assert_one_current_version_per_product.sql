-- description: Every product of the price history has exactly one current version, and no
-- description: closed version ends before it starts. Rows are failures.
-- severity: error
-- tags: shop, history
SELECT product_id, COUNTIF(is_current) AS current_versions, COUNTIF(valid_to < valid_from) AS inverted_versions
FROM ref('dim_products_history')
GROUP BY product_id
HAVING COUNTIF(is_current) != 1 OR COUNTIF(valid_to < valid_from) > 0
