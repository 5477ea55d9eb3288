"""The full-text index, in the database's own way (created only on its vendor).

SQLite: an FTS5 table over `search_document` (external content: the terms are stored
once), kept in step by triggers, with prefix indexes for autocomplete. The terms are
analysed in Python (domain.search.analysis), so FTS5 only splits at spaces.

PostgreSQL: a generated tsvector column built from the same terms without re-parsing
them (array_to_tsvector: Chinese terms survive whatever the server's locale), weights
A/B/D for title/extra/body, a GIN index; pg_trgm and a trigram index on the term list
for misspellings.
"""

from django.db import migrations


class VendorSQL(migrations.RunSQL):
    """RunSQL that runs only on one database vendor."""

    def __init__(self, vendor: str, sql, reverse_sql) -> None:
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def deconstruct(self):
        name, _args, kwargs = super().deconstruct()
        return name, [self.vendor], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


SQLITE = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title_terms, extra_terms, body_terms,
        content='search_document', content_rowid='product_id',
        tokenize="unicode61 remove_diacritics 0", prefix='1 2 3'
    )""",
    """CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_document BEGIN
        INSERT INTO search_fts(rowid, title_terms, extra_terms, body_terms)
        VALUES (new.product_id, new.title_terms, new.extra_terms, new.body_terms);
    END""",
    """CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_terms, extra_terms, body_terms)
        VALUES ('delete', old.product_id, old.title_terms, old.extra_terms, old.body_terms);
    END""",
    """CREATE TRIGGER search_document_fts_update
    AFTER UPDATE OF title_terms, extra_terms, body_terms ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_terms, extra_terms, body_terms)
        VALUES ('delete', old.product_id, old.title_terms, old.extra_terms, old.body_terms);
        INSERT INTO search_fts(rowid, title_terms, extra_terms, body_terms)
        VALUES (new.product_id, new.title_terms, new.extra_terms, new.body_terms);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRESQL = [
    """ALTER TABLE search_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(array_to_tsvector(string_to_array(title_terms, ' ')), 'A')
        || setweight(array_to_tsvector(string_to_array(extra_terms, ' ')), 'B')
        || setweight(array_to_tsvector(string_to_array(body_terms, ' ')), 'D')
    ) STORED""",
    "CREATE INDEX search_document_vector_idx ON search_document USING gin (search_vector)",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX search_term_trgm_idx ON search_term USING gin (term gin_trgm_ops)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_term_trgm_idx",
    "DROP INDEX IF EXISTS search_document_vector_idx",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS search_vector",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        VendorSQL("sqlite", SQLITE, SQLITE_REVERSE),
        VendorSQL("postgresql", POSTGRESQL, POSTGRESQL_REVERSE),
    ]
