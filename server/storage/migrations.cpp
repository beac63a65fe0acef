#include "storage/migrations.h"

using namespace Qt::StringLiterals;

namespace bunting::server {

const QList<Migration> &migrations()
{
    // Flags, cohorts and dashboards keep their whole PostHog document as JSON text, so nothing
    // a newer PostHog adds is lost; the columns beside it are what queries filter and sort on.
    static const QList<Migration> all{
        {1,
         u"initial schema"_s,
         {
             u"CREATE TABLE organizations (id {id}, name TEXT NOT NULL, created_at TEXT NOT NULL)"_s,
             u"CREATE TABLE projects (id {id}, organization_id BIGINT NOT NULL REFERENCES "
             "organizations(id), name TEXT NOT NULL, api_token TEXT NOT NULL UNIQUE, "
             "created_at TEXT NOT NULL)"_s,
             u"CREATE TABLE users (id {id}, uuid TEXT NOT NULL UNIQUE, distinct_id TEXT NOT NULL, "
             "first_name TEXT NOT NULL, last_name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, "
             "created_at TEXT NOT NULL)"_s,
             u"CREATE TABLE personal_api_keys (id {id}, user_id BIGINT NOT NULL REFERENCES "
             "users(id), label TEXT NOT NULL, secure_value TEXT NOT NULL UNIQUE, "
             "mask_value TEXT NOT NULL, scopes TEXT NOT NULL, scoped_projects TEXT NOT NULL, "
             "created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT)"_s,
             u"CREATE TABLE feature_flags (id {id}, project_id BIGINT NOT NULL REFERENCES "
             "projects(id), key TEXT NOT NULL, name TEXT NOT NULL, active INTEGER NOT NULL, "
             "deleted INTEGER NOT NULL, version INTEGER NOT NULL, created_by_id BIGINT "
             "REFERENCES users(id), created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
             "last_called_at TEXT, document TEXT NOT NULL)"_s,
             // A deleted flag's key is free for a new flag.
             u"CREATE UNIQUE INDEX feature_flags_live_key ON feature_flags (project_id, key) "
             "WHERE deleted = 0"_s,
             u"CREATE TABLE feature_flag_versions (flag_id BIGINT NOT NULL REFERENCES "
             "feature_flags(id), version INTEGER NOT NULL, document TEXT NOT NULL, "
             "created_by_id BIGINT, created_at TEXT NOT NULL, PRIMARY KEY (flag_id, version))"_s,
             u"CREATE TABLE activity_log (id {id}, project_id BIGINT NOT NULL REFERENCES "
             "projects(id), scope TEXT NOT NULL, item_id TEXT NOT NULL, activity TEXT NOT NULL, "
             "user_id BIGINT, detail TEXT NOT NULL, created_at TEXT NOT NULL)"_s,
             u"CREATE INDEX activity_log_item ON activity_log (project_id, scope, item_id)"_s,
             u"CREATE TABLE persons (id {id}, project_id BIGINT NOT NULL REFERENCES projects(id), "
             "uuid TEXT NOT NULL, properties TEXT NOT NULL, created_at TEXT NOT NULL)"_s,
             u"CREATE TABLE person_distinct_ids (project_id BIGINT NOT NULL, distinct_id TEXT NOT "
             "NULL, person_id BIGINT NOT NULL REFERENCES persons(id), PRIMARY KEY (project_id, "
             "distinct_id))"_s,
             u"CREATE TABLE cohorts (id {id}, project_id BIGINT NOT NULL REFERENCES projects(id), "
             "name TEXT NOT NULL, is_static INTEGER NOT NULL, deleted INTEGER NOT NULL, "
             "created_by_id BIGINT, created_at TEXT NOT NULL, document TEXT NOT NULL)"_s,
             u"CREATE TABLE cohort_people (cohort_id BIGINT NOT NULL REFERENCES cohorts(id), "
             "person_id BIGINT NOT NULL REFERENCES persons(id), PRIMARY KEY (cohort_id, "
             "person_id))"_s,
             u"CREATE TABLE group_type_mappings (project_id BIGINT NOT NULL, group_type_index "
             "INTEGER NOT NULL, group_type TEXT NOT NULL, name_singular TEXT, name_plural TEXT, "
             "PRIMARY KEY (project_id, group_type_index))"_s,
             u"CREATE TABLE group_entities (project_id BIGINT NOT NULL, group_type_index INTEGER "
             "NOT NULL, group_key TEXT NOT NULL, properties TEXT NOT NULL, created_at TEXT NOT "
             "NULL, PRIMARY KEY (project_id, group_type_index, group_key))"_s,
             u"CREATE TABLE dashboards (id {id}, project_id BIGINT NOT NULL REFERENCES "
             "projects(id), name TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT "
             "NULL, document TEXT NOT NULL)"_s,
             // What SDKs report through $feature_flag_called: the status and usage charts.
             u"CREATE TABLE flag_calls (project_id BIGINT NOT NULL, flag_key TEXT NOT NULL, "
             "day TEXT NOT NULL, variant TEXT NOT NULL, calls BIGINT NOT NULL, PRIMARY KEY "
             "(project_id, flag_key, day, variant))"_s,
         }},
        {2,
         u"activity log entry uuids"_s,
         {
             // PostHog identifies an activity entry by a UUID. Entries written before this
             // migration get one derived from their row id, unique and stable.
             u"ALTER TABLE activity_log ADD COLUMN uuid TEXT"_s,
             u"UPDATE activity_log SET uuid = '00000000-0000-4000-8000-' || "
             "substr(CAST(1000000000000 + id AS TEXT), 2, 12) WHERE uuid IS NULL"_s,
             u"CREATE UNIQUE INDEX activity_log_uuid ON activity_log (uuid)"_s,
             u"CREATE INDEX activity_log_scope_created ON activity_log (project_id, scope, "
             "created_at)"_s,
         }},
        {3,
         u"identified persons"_s,
         {
             // $identify refuses to merge away a person that is already identified.
             u"ALTER TABLE persons ADD COLUMN is_identified INTEGER NOT NULL DEFAULT 0"_s,
             u"CREATE INDEX persons_project_created ON persons (project_id, created_at)"_s,
             u"CREATE INDEX person_distinct_ids_person ON person_distinct_ids (person_id)"_s,
             u"CREATE INDEX cohort_people_person ON cohort_people (person_id)"_s,
         }},
        {4,
         u"dashboard tiles, insights and flag usage by user"_s,
         {
             // A usage dashboard's insights are PostHog's: a query kept whole as JSON, answered
             // from the usage tables when the dashboard is read.
             u"CREATE TABLE insights (id {id}, project_id BIGINT NOT NULL REFERENCES "
             "projects(id), short_id TEXT NOT NULL, name TEXT NOT NULL, deleted INTEGER NOT "
             "NULL, created_at TEXT NOT NULL, document TEXT NOT NULL)"_s,
             u"CREATE UNIQUE INDEX insights_short_id ON insights (project_id, short_id)"_s,
             u"CREATE TABLE dashboard_tiles (id {id}, dashboard_id BIGINT NOT NULL REFERENCES "
             "dashboards(id), insight_id BIGINT REFERENCES insights(id), deleted INTEGER NOT "
             "NULL, document TEXT NOT NULL)"_s,
             u"CREATE INDEX dashboard_tiles_dashboard ON dashboard_tiles (dashboard_id)"_s,
             // Who called a flag (or viewed, or used its feature) each day: unique users per
             // response, which flag_calls' plain counts cannot give.
             u"CREATE TABLE flag_event_users (project_id BIGINT NOT NULL, flag_key TEXT NOT NULL, "
             "event TEXT NOT NULL, day TEXT NOT NULL, variant TEXT NOT NULL, distinct_id TEXT NOT "
             "NULL, calls BIGINT NOT NULL, PRIMARY KEY (project_id, flag_key, event, day, "
             "variant, distinct_id))"_s,
         }},
        {5,
         u"flag list order"_s,
         {
             // The flag list's default order, newest first: read in index order, not sorted.
             u"CREATE INDEX feature_flags_list ON feature_flags (project_id, deleted, "
             "created_at, id)"_s,
         }},
        {6,
         u"flag list search from the index"_s,
         {
             // Key, name and active in the list index too: counting and searching 100,000 flags
             // then reads the index, not every flag's document.
             u"DROP INDEX feature_flags_list"_s,
             u"CREATE INDEX feature_flags_list ON feature_flags (project_id, deleted, "
             "created_at, id, key, name, active)"_s,
         }},
        {7,
         u"flags that name other flags"_s,
         {
             // Whether a flag's conditions name another flag (a {"type": "flag"} property), so
             // that asking which flags depend on one reads those flags only, not all of them.
             u"ALTER TABLE feature_flags ADD COLUMN names_flags INTEGER NOT NULL DEFAULT 0"_s,
             u"UPDATE feature_flags SET names_flags = 1 WHERE document LIKE "
             "'%\"type\":\"flag\"%'"_s,
             u"CREATE INDEX feature_flags_naming ON feature_flags (project_id, names_flags, key) "
             "WHERE deleted = 0"_s,
         }},
        {8,
         u"projects copied from another PostHog"_s,
         {
             // Where a project came from, and for each flag and cohort the remote's object as
             // last pulled. A flag whose version moved on from `local_version` was changed here.
             u"CREATE TABLE project_origins (project_id BIGINT PRIMARY KEY REFERENCES "
             "projects(id), host TEXT NOT NULL, remote_project_id BIGINT NOT NULL, "
             "remote_name TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (host, "
             "remote_project_id))"_s,
             u"CREATE TABLE flag_origins (flag_id BIGINT PRIMARY KEY REFERENCES "
             "feature_flags(id), project_id BIGINT NOT NULL REFERENCES projects(id), remote_id "
             "BIGINT NOT NULL, remote_version INTEGER NOT NULL, remote_object TEXT NOT NULL, "
             "local_version INTEGER NOT NULL, UNIQUE (project_id, remote_id))"_s,
             u"CREATE TABLE cohort_origins (cohort_id BIGINT PRIMARY KEY REFERENCES cohorts(id), "
             "project_id BIGINT NOT NULL REFERENCES projects(id), remote_id BIGINT NOT NULL, "
             "remote_object TEXT NOT NULL, UNIQUE (project_id, remote_id))"_s,
         }},
        {9,
         u"where a copied flag's local changes started"_s,
         {
             // The remote's version and object the copy was last in step with. A pull moves
             // remote_object on while a flag changed here stays as it is; a push compares the
             // local flag with this one, so that it sends only what changed here.
             u"ALTER TABLE flag_origins ADD COLUMN base_version INTEGER"_s,
             u"ALTER TABLE flag_origins ADD COLUMN base_object TEXT"_s,
             u"UPDATE flag_origins SET base_version = remote_version, base_object = "
             "remote_object"_s,
         }},
    };
    return all;
}

} // namespace bunting::server
