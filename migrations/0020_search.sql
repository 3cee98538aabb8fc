-- Search index (src/modules/search). Hand-written: drizzle-kit cannot describe FTS5 tables.
--
-- search_docs maps every indexed entity (type + id) to an integer doc_id, the rowid of its row in the
-- type's FTS5 table, and remembers the version of the entity that was indexed (posts.rev, or the profile's
-- last update) so a stale queue message never overwrites a newer index row. A removed entity keeps its
-- search_docs row as a tombstone (in_index = 0) until the daily sweep; its FTS row is deleted at once.
-- Visibility and blocks are NOT stored here: every query joins the live rows and applies the policies.
CREATE TABLE search_docs (
  doc_id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  version TEXT NOT NULL,
  in_index INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  indexed_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX search_docs_entity ON search_docs (type, entity_id);
CREATE INDEX search_docs_tombstones ON search_docs (in_index, indexed_at);

-- One FTS5 table per searchable type. Text is stored already normalized by src/lib/text.ts searchTokens
-- (Arabic letter forms, diacritics, digits, clitic forms), so the tokenizer only splits on spaces;
-- remove_diacritics 2 still folds anything that reaches it unnormalized. prefix='2 3' keeps typeahead
-- prefix queries of 2-3 letters on an index instead of a scan.
-- Columns are ordered by weight (bm25 weights in src/modules/search/types.ts).
CREATE VIRTUAL TABLE search_people USING fts5(
  name, headline, location, details,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);

CREATE VIRTUAL TABLE search_posts USING fts5(
  tags, body,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
