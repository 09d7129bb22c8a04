{# BigQuery semantics the models rely on, in DuckDB terms. #}

{# NUMERIC / NUMERIC (or INT64) is NUMERIC in BigQuery, rounded to 9 decimals; DuckDB divides
   DECIMALs as DOUBLE, so the quotient is cast back to DECIMAL(38,9) (exact for these operands). #}
{% macro numeric_div(a, b) -%}
  CAST(({{ a }}) / ({{ b }}) AS DECIMAL(38, 9))
{%- endmacro %}

{# Bronze's `_ingested_at`: dlt stamps each row with its load id (the load's start, Unix seconds). #}
{% macro ingested_at(alias) -%}
  to_timestamp(CAST({{ alias }}._dlt_load_id AS DOUBLE))
{%- endmacro %}

{# dbt's unique test over several columns (Terrace's compound `unique(a, b)`), without packages. #}
{% test unique_combination(model, columns) %}
SELECT {{ columns | join(', ') }}, COUNT(*) AS occurrences
FROM {{ model }}
GROUP BY {{ columns | join(', ') }}
HAVING COUNT(*) > 1
{% endtest %}
