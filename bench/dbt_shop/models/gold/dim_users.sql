-- pipelines/gold/dim_users.sql in DuckDB (a table).
SELECT
  u.user_id,
  u.first_name,
  u.last_name,
  TRIM(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')) AS full_name,
  u.username,
  u.email,
  u.phone,
  u.gender,
  u.birth_date,
  u.age,
  CASE
    WHEN u.age IS NULL THEN 'unknown'
    WHEN u.age < 25 THEN 'under 25'
    WHEN u.age < 35 THEN '25-34'
    WHEN u.age < 45 THEN '35-44'
    WHEN u.age < 55 THEN '45-54'
    ELSE '55+'
  END AS age_band,
  u.street_address,
  u.city,
  u.state,
  u.postal_code,
  u.country,
  u.company_name,
  u.job_title,
  u.department,
  u.role
FROM {{ ref('stg_users') }} AS u
