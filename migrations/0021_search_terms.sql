-- Search vocabulary and index format (src/modules/search/vocabulary.ts, maintenance.ts). Hand-written.
--
-- search_terms files every word stem the indexer has seen under its lookup keys: the stem, the stem minus
-- any one character, "~" + a phonetic key and "@" + an Arabizi skeleton. A query word that matches nothing
-- is corrected from it with one index seek per key, whatever the size of the vocabulary. Rows are only
-- added; a rebuild re-adds what is current. The primary key is the only index (WITHOUT ROWID).
CREATE TABLE search_terms (
  key TEXT NOT NULL,
  term TEXT NOT NULL,
  PRIMARY KEY (key, term)
) WITHOUT ROWID;

-- The format of the tokens in the FTS5 tables and the vocabulary. The hourly maintenance compares it with
-- INDEX_FORMAT in src/modules/search/maintenance.ts and rebuilds every index through the search queue when
-- the code writes a newer format. Format 2 adds hamza spellings, English singulars, whole-word guards on
-- clitics, script and digit splits, and search_terms. An empty index is already in the current format.
CREATE TABLE search_meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO search_meta (name, value)
  SELECT 'index_format', CASE WHEN EXISTS (SELECT 1 FROM search_docs) THEN '1' ELSE '2' END;
