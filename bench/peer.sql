-- The peer: what an analyst would write in DuckDB to do the tool's core job on the bench
-- data — normalise both sides, compute the expected credit under samples/policy.toml, pair
-- credits with periods inside the lag window, classify each month and write months.csv and
-- findings.csv. Run by bench/peer.py, which fills in the {placeholders}.
--
-- It does less than the tool (no roster, retirees, back payments, balances, named periods,
-- rejected-row report or messages), so the comparison flatters the peer, not the tool.
-- Pairing is rounds of "mutual best candidate" until nothing more pairs — the usual SQL
-- stand-in for SPEC's greedy one-to-one pairing.

-- Contributions: IDs checked (length, digits, check digit), periods from YYYYMM / YYYY-MM /
-- YYYY年MM月, amounts exact, rows of one person and period summed.
CREATE TEMP TABLE contribution_rows AS
SELECT
    upper(trim("身份证号")) AS id,
    trim("姓名") AS name,
    regexp_replace("费款所属期", '[^0-9]', '', 'g') AS period_digits,
    TRY_CAST(replace("缴费基数", ',', '') AS DECIMAL(18, 2)) AS base,
    TRY_CAST(replace("个人缴费", ',', '') AS DECIMAL(18, 2)) AS employee_amount,
    TRY_CAST(replace("单位缴费", ',', '') AS DECIMAL(18, 2)) AS employer_amount,
    trim("缴费状态") AS status,
    trim("险种类型") AS insurance,
    coalesce(trim("缴费档次"), '') AS tier
FROM read_csv({contributions}, header = true, all_varchar = true, union_by_name = true);

CREATE TEMP TABLE contributions AS
WITH checked AS (
    SELECT *,
        make_date(CAST(substr(period_digits, 1, 4) AS INTEGER),
                  CAST(substr(period_digits, 5, 2) AS INTEGER), 1) AS period
    FROM contribution_rows
    WHERE regexp_full_match(id, '[0-9]{17}[0-9X]')
      AND substr('10X98765432',
                 CAST(1 + list_sum(list_transform(range(1, 18), lambda i:
                     CAST(substr(id, i, 1) AS INTEGER)
                     * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i])) % 11 AS BIGINT),
                 1) = substr(id, 18, 1)
      AND length(period_digits) = 6
      AND base IS NOT NULL AND employee_amount IS NOT NULL
)
SELECT
    id,
    min(name) AS name,
    period,
    sum(base) AS base,
    sum(employee_amount) FILTER (WHERE status <> '欠缴') AS employee_paid,
    bool_or(status = '欠缴') AS unpaid,
    bool_or(insurance LIKE '%灵活%') AS flexible,
    max(tier) AS tier,
    max(tier) IN ('二档', '三档', '单建统筹', '住院统筹', '4%档') AS no_account,
    -- Age in completed years on the last day of the month before the period.
    date_diff('year',
              strptime(substr(id, 7, 8), '%Y%m%d'),
              period - INTERVAL 1 DAY) AS age
FROM checked
GROUP BY id, period;

-- Expected credit and due month under samples/policy.toml: lag 1, grace 2, window 12,
-- employee share 1, employer bands by age until 2022-08, flexible 2% of the base.
CREATE TEMP TABLE expected AS
SELECT
    id, name, period, tier, unpaid, no_account,
    CASE
        WHEN no_account OR unpaid THEN 0
        WHEN flexible THEN round(base * 0.02, 2)
        WHEN period >= DATE '2022-09-01' THEN coalesce(employee_paid, 0)
        ELSE coalesce(employee_paid, 0)
             + round(base * CASE WHEN age < 35 THEN 0.008 WHEN age < 45 THEN 0.01 ELSE 0.02 END, 2)
    END AS expected_credit,
    period + INTERVAL 1 MONTH AS due
FROM contributions;

-- Statement rows: credits are code 101 (or the Chinese labels), family sharing 205.
CREATE TEMP TABLE entries AS
SELECT
    upper(trim("身份证号")) AS id,
    CAST("交易时间" AS TIMESTAMP) AS booked_at,
    CAST(date_trunc('month', CAST("交易时间" AS TIMESTAMP)) AS DATE) AS month,
    trim("交易类型") AS kind,
    TRY_CAST(replace("发生金额", ',', '') AS DECIMAL(18, 2)) AS amount,
    row_number() OVER () AS entry
FROM read_csv({statements}, header = true, all_varchar = true, union_by_name = true)
WHERE regexp_full_match(upper(trim("身份证号")), '[0-9]{17}[0-9X]');

CREATE TEMP TABLE credits AS
SELECT * FROM entries
WHERE kind IN ('101', '划入', '个人账户划入', '统筹划入') AND amount > 0;

-- Candidate pairs inside the window, ranked as SPEC ranks them.
CREATE TEMP TABLE candidates AS
SELECT
    e.id, e.period, c.entry,
    CASE
        WHEN c.month <= e.due AND abs(c.amount - e.expected_credit) <= 0.01 THEN 0
        WHEN abs(c.amount - e.expected_credit) <= 0.01 THEN 1
        ELSE 2
    END AS tier_rank,
    abs(date_diff('month', e.due, c.month)) AS distance,
    c.booked_at
FROM expected e
JOIN credits c
  ON c.id = e.id
 AND c.month >= e.period
 AND c.month <= e.due + INTERVAL 12 MONTH
WHERE e.expected_credit > 0;

CREATE TEMP TABLE pairs AS
SELECT id, period, entry FROM candidates
QUALIFY row_number() OVER (PARTITION BY id, period ORDER BY tier_rank, distance, booked_at, entry) = 1
    AND row_number() OVER (PARTITION BY entry ORDER BY tier_rank, distance, period) = 1;

-- @round: bench/peer.py repeats this statement until it pairs nothing more.
INSERT INTO pairs
SELECT id, period, entry FROM candidates c
WHERE NOT EXISTS (SELECT 1 FROM pairs p WHERE p.id = c.id AND p.period = c.period)
  AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.entry = c.entry)
QUALIFY row_number() OVER (PARTITION BY id, period ORDER BY tier_rank, distance, booked_at, entry) = 1
    AND row_number() OVER (PARTITION BY entry ORDER BY tier_rank, distance, period) = 1;
-- @end

-- Months: one row per person and period, classified.
CREATE TEMP TABLE months AS
SELECT
    e.id, e.name, e.period, e.tier, e.expected_credit,
    c.amount AS credited,
    CAST(c.booked_at AS DATE) AS credited_on,
    c.amount - e.expected_credit AS difference,
    CASE
        WHEN e.expected_credit = 0 AND e.no_account THEN 'no_account'
        WHEN e.expected_credit = 0 AND e.unpaid THEN 'unpaid'
        WHEN c.entry IS NULL AND DATE {as_of_month} < e.due THEN 'not_due'
        WHEN c.entry IS NULL AND DATE {as_of_month} <= e.due + INTERVAL 2 MONTH THEN 'pending'
        WHEN c.entry IS NULL THEN 'missing'
        WHEN c.amount < e.expected_credit - 0.01 THEN 'short'
        WHEN c.amount > e.expected_credit + 0.01 THEN 'excess'
        WHEN c.month > e.due THEN 'late'
        ELSE 'ok'
    END AS status,
    lag(e.no_account) OVER (PARTITION BY e.id ORDER BY e.period) AS previous_no_account,
    e.no_account
FROM expected e
LEFT JOIN pairs p ON p.id = e.id AND p.period = e.period
LEFT JOIN credits c ON c.entry = p.entry;

CREATE TEMP TABLE findings AS
SELECT id, period,
    CASE status
        WHEN 'missing' THEN 'CREDIT_MISSING'
        WHEN 'pending' THEN 'CREDIT_PENDING'
        WHEN 'short' THEN 'CREDIT_SHORT'
        WHEN 'excess' THEN 'CREDIT_EXCESS'
        WHEN 'late' THEN 'CREDIT_LATE'
        WHEN 'unpaid' THEN 'EMPLOYER_PAYMENT_MISSING'
    END AS code,
    expected_credit AS expected, credited AS actual, difference
FROM months
WHERE status IN ('missing', 'pending', 'short', 'excess', 'late', 'unpaid')
UNION ALL
-- A month with no record between two records of a person: the employer paid nothing.
SELECT id, CAST(gap AS DATE), 'EMPLOYER_PAYMENT_MISSING', NULL, NULL, NULL
FROM (
    SELECT id, period, lag(period) OVER (PARTITION BY id ORDER BY period) AS previous
    FROM months
) g, generate_series(g.previous + INTERVAL 1 MONTH, g.period - INTERVAL 1 MONTH,
                     INTERVAL 1 MONTH) AS t(gap)
WHERE g.previous IS NOT NULL AND g.period > g.previous + INTERVAL 1 MONTH
UNION ALL
SELECT id, period, 'TIER_CHANGE', NULL, NULL, NULL
FROM months WHERE previous_no_account IS NOT NULL AND previous_no_account <> no_account
UNION ALL
-- Credits paired with no period: a second one in a month with a paired credit of the same
-- amount is a duplicate, the rest unexpected.
SELECT c.id, c.month,
    CASE WHEN EXISTS (
        SELECT 1 FROM pairs p2 JOIN credits c2 ON c2.entry = p2.entry
        WHERE c2.id = c.id AND c2.month = c.month AND c2.amount = c.amount)
    THEN 'DUPLICATE_CREDIT' ELSE 'CREDIT_UNEXPECTED' END,
    NULL, c.amount, NULL
FROM credits c
WHERE NOT EXISTS (SELECT 1 FROM pairs p WHERE p.entry = c.entry)
UNION ALL
SELECT id, month, 'FAMILY_SHARING', NULL, amount, NULL FROM entries WHERE kind = '205';

COPY (
    SELECT substr(id, 1, 4) || '**********' || substr(id, 15, 4) AS person_id, name,
           strftime(period, '%Y-%m') AS period, tier, expected_credit, credited, credited_on,
           difference, status
    FROM months ORDER BY id, period
) TO {months_out} (HEADER, DELIMITER ',');

COPY (
    SELECT substr(id, 1, 4) || '**********' || substr(id, 15, 4) AS person_id,
           strftime(period, '%Y-%m') AS period, code, expected, actual, difference
    FROM findings ORDER BY id, period, code
) TO {findings_out} (HEADER, DELIMITER ',');
