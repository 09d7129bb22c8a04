-- description: The user (customer) dimension: one row per user with name, contact, demographics,
-- description: address and employer. Rebuilt from the staged users on every run.
-- materialized: table
-- tags: shop, mart
-- column user_id: The shop's user id; the dimension's key.
-- column full_name: First and last name.
-- column age_band: The user's age in bands (under 25, 25-34, 35-44, 45-54, 55+, unknown).
-- column role: The user's role in the shop: user, moderator or admin.
-- test: not_null(user_id)
-- test: unique(user_id)
-- test: accepted_values(role, ['user', 'moderator', 'admin'])
-- test warn: accepted_values(gender, ['female', 'male'])
SELECT
  u.user_id,
  u.first_name,
  u.last_name,
  TRIM(CONCAT(COALESCE(u.first_name, ''), ' ', COALESCE(u.last_name, ''))) AS full_name,
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
FROM ref('stg_users') AS u
