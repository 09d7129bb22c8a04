-- pipelines/silver/stg_users.sql in DuckDB: one row per user id, the latest version bronze holds,
-- typed, renamed, `address` and `company` flattened, e-mail and gender lower-cased.
SELECT
  CAST(u.id AS BIGINT) AS user_id,
  NULLIF(TRIM(u.first_name), '') AS first_name,
  NULLIF(TRIM(u.last_name), '') AS last_name,
  NULLIF(TRIM(u.username), '') AS username,
  LOWER(NULLIF(TRIM(u.email), '')) AS email,
  NULLIF(TRIM(u.phone), '') AS phone,
  CAST(u.age AS BIGINT) AS age,
  LOWER(NULLIF(TRIM(u.gender), '')) AS gender,
  CAST(NULLIF(TRIM(u.birth_date), '') AS DATE) AS birth_date,
  NULLIF(TRIM(u.address__address), '') AS street_address,
  NULLIF(TRIM(u.address__city), '') AS city,
  NULLIF(TRIM(u.address__state), '') AS state,
  NULLIF(TRIM(CAST(u.address__postal_code AS VARCHAR)), '') AS postal_code,
  NULLIF(TRIM(u.address__country), '') AS country,
  NULLIF(TRIM(u.company__name), '') AS company_name,
  NULLIF(TRIM(u.company__title), '') AS job_title,
  NULLIF(TRIM(u.company__department), '') AS department,
  COALESCE(LOWER(NULLIF(TRIM(u.role), '')), 'user') AS role,
  {{ ingested_at('u') }} AS ingested_at
FROM {{ source('bronze', 'users') }} AS u
WHERE u.id IS NOT NULL
QUALIFY ROW_NUMBER() OVER (PARTITION BY u.id ORDER BY {{ ingested_at('u') }} DESC) = 1
