"""The audit trail holds against TRUNCATE and back-dating too.

Migration 0002's row trigger refuses UPDATE and DELETE, but TRUNCATE fires no row
trigger: a statement trigger now refuses it for every role but a superuser (a superuser
can drop any trigger anyway; the test suite's flush runs as one). The app's own role has
no TRUNCATE right at all (portal/db_roles.py). And a row's time is the database's:
whatever an INSERT says, `created_at` is the statement's time, so no row is back-dated.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION portal_auditevent_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'portal_auditevent is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER portal_auditevent_no_truncate
    BEFORE TRUNCATE ON portal_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION portal_auditevent_refuse_truncate();

CREATE OR REPLACE FUNCTION portal_auditevent_stamp_time() RETURNS trigger AS $$
BEGIN
    NEW.created_at := statement_timestamp();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER portal_auditevent_database_time
    BEFORE INSERT ON portal_auditevent
    FOR EACH ROW EXECUTE FUNCTION portal_auditevent_stamp_time();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS portal_auditevent_database_time ON portal_auditevent;
DROP FUNCTION IF EXISTS portal_auditevent_stamp_time();
DROP TRIGGER IF EXISTS portal_auditevent_no_truncate ON portal_auditevent;
DROP FUNCTION IF EXISTS portal_auditevent_refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_clinician_kinds")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
