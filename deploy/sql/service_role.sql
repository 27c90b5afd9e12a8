-- One login role per service that owns the service's schema and nothing else, so a service can
-- touch only its own tables (ENGINEERING.md). Idempotent; run by deploy/db.sh with psql variables
-- role, schema and password, connected to the mobility database as a superuser.
SELECT format('CREATE ROLE %I LOGIN', :'role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" PASSWORD :'password';

CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION :"role";
ALTER SCHEMA :"schema" OWNER TO :"role";
-- Tables a superuser created before the role existed pass to it too.
SELECT format('ALTER TABLE %I.%I OWNER TO %I', schemaname, tablename, :'role')
FROM pg_tables WHERE schemaname = :'schema' \gexec

-- Only the service roles (and superusers) may connect; nobody else gets the public defaults.
REVOKE ALL ON DATABASE mobility FROM PUBLIC;
GRANT CONNECT ON DATABASE mobility TO :"role";
