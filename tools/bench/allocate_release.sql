-- The SQL that AllocateMobility and then ReleaseMobility run (services/agreements/agreements_store.cc),
-- statement for statement, on the bench's own agreement in the bench's own database (deploy/bench.sh makes
-- it and drops it after the run), in the academic year pgbench is given as -D year=: pgbench measures
-- what the database alone can do with it.
\set n random(1, 2000000000)
BEGIN;
SELECT body FROM agreements WHERE id = 'bench-capacity' FOR UPDATE;
SELECT allocation_key, condition_id, academic_year, state, (extract(epoch FROM allocate_time) * 1000000)::bigint AS allocate_us, (extract(epoch FROM release_time) * 1000000)::bigint AS release_us FROM mobility_allocations WHERE agreement_id = 'bench-capacity' AND allocation_key = 'pgbench/' || :n;
SELECT count(*) FROM mobility_allocations WHERE agreement_id = 'bench-capacity' AND condition_id = 'bench' AND academic_year = :year AND state = 'ALLOCATED';
INSERT INTO mobility_allocations (agreement_id, allocation_key, condition_id, academic_year, state, allocate_time, release_time) VALUES ('bench-capacity', 'pgbench/' || :n, 'bench', :year, 'ALLOCATED', now(), NULL) ON CONFLICT (agreement_id, allocation_key) DO UPDATE SET condition_id = EXCLUDED.condition_id, academic_year = EXCLUDED.academic_year, state = EXCLUDED.state, allocate_time = EXCLUDED.allocate_time, release_time = EXCLUDED.release_time;
COMMIT;
BEGIN;
SELECT body FROM agreements WHERE id = 'bench-capacity' FOR UPDATE;
SELECT allocation_key, condition_id, academic_year, state, (extract(epoch FROM allocate_time) * 1000000)::bigint AS allocate_us, (extract(epoch FROM release_time) * 1000000)::bigint AS release_us FROM mobility_allocations WHERE agreement_id = 'bench-capacity' AND allocation_key = 'pgbench/' || :n;
INSERT INTO mobility_allocations (agreement_id, allocation_key, condition_id, academic_year, state, allocate_time, release_time) VALUES ('bench-capacity', 'pgbench/' || :n, 'bench', :year, 'RELEASED', now(), now()) ON CONFLICT (agreement_id, allocation_key) DO UPDATE SET condition_id = EXCLUDED.condition_id, academic_year = EXCLUDED.academic_year, state = EXCLUDED.state, allocate_time = EXCLUDED.allocate_time, release_time = EXCLUDED.release_time;
COMMIT;
