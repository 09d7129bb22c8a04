-- description: Staged users: one row per user id, the latest version bronze holds, typed, renamed
-- description: to snake_case, the nested `address` and `company` records flattened, e-mail and
-- description: gender lower-cased, empty strings turned into NULLs.
-- materialized: view
-- tags: shop, staging
-- column user_id: The shop's user id; the key of this model.
-- column email: The user's e-mail address, trimmed and lower-cased.
-- column birth_date: The user's date of birth (DATE).
-- test: not_null(user_id)
-- test: unique(user_id)
SELECT
  CAST(u.id AS INT64) AS user_id,
  NULLIF(TRIM(u.firstName), '') AS first_name,
  NULLIF(TRIM(u.lastName), '') AS last_name,
  NULLIF(TRIM(u.username), '') AS username,
  LOWER(NULLIF(TRIM(u.email), '')) AS email,
  NULLIF(TRIM(u.phone), '') AS phone,
  CAST(u.age AS INT64) AS age,
  LOWER(NULLIF(TRIM(u.gender), '')) AS gender,
  CAST(NULLIF(TRIM(u.birthDate), '') AS DATE) AS birth_date,
  NULLIF(TRIM(u.address.address), '') AS street_address,
  NULLIF(TRIM(u.address.city), '') AS city,
  NULLIF(TRIM(u.address.state), '') AS state,
  NULLIF(TRIM(CAST(u.address.postalCode AS STRING)), '') AS postal_code,
  NULLIF(TRIM(u.address.country), '') AS country,
  NULLIF(TRIM(u.company.name), '') AS company_name,
  NULLIF(TRIM(u.company.title), '') AS job_title,
  NULLIF(TRIM(u.company.department), '') AS department,
  COALESCE(LOWER(NULLIF(TRIM(u.role), '')), 'user') AS role,
  u._ingested_at AS ingested_at
FROM source('bronze', 'users') AS u
WHERE u.id IS NOT NULL
QUALIFY ROW_NUMBER() OVER (PARTITION BY u.id ORDER BY u._ingested_at DESC) = 1
