#include "migrations.h"

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
    };
    return all;
}

} // namespace bunting::server
