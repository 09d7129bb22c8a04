{#- pipelines/gold/dim_products_history.sql (scd2 on product_id, check_cols price and
    discount_percentage) as a dbt snapshot with the check strategy. valid_from and valid_to are
    the snapshot's meta columns renamed; dbt has no is_current column (it is valid_to IS NULL)
    and adds dbt_scd_id and dbt_updated_at. -#}
{% snapshot dim_products_history %}
{{ config(
    target_schema='gold',
    unique_key='product_id',
    strategy='check',
    check_cols=['price', 'discount_percentage'],
    snapshot_meta_column_names={'dbt_valid_from': 'valid_from', 'dbt_valid_to': 'valid_to'}
) }}
SELECT
  p.product_id,
  p.sku,
  p.title,
  p.price,
  p.discount_percentage,
  ROUND(p.price * (1 - {{ numeric_div('p.discount_percentage', 100) }}), 2) AS discounted_price,
  p.updated_at AS source_updated_at
FROM {{ ref('stg_products') }} AS p
{% endsnapshot %}
