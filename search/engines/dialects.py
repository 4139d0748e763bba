"""The two full-text back ends of the database engine: SQLite FTS5 and PostgreSQL tsvector.

Both receive only normalised tokens (see `search.text`), quoted here, never user syntax, and
they are passed as query parameters. The SQL strings below interpolate only constants, SQL
fragments built from placeholders, and integers (hence the S608 exemptions).
A query is clauses of alternatives (OR) of phrases (token sequences). Each clause is also
asked per field ("title", "names", whole words anywhere = "exact", or "any" = whole words,
spelling neighbours and the sub-word phrase), so the engine can score the best field it
matched (see engines/base.py, "Scoring"). Sub-word tokens live in their own field and are
only ever matched through a clause's sub-word phrase.
"""

WORD_FIELDS = "{title names body}"


def _fts5_quote(token):
    return '"' + token.replace('"', '""') + '"'


def _pg_quote(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _fts5_options(alternatives, prefix=False):
    return "(" + " OR ".join(_fts5_quote(" ".join(a)) + ("*" if prefix else "") for a in alternatives) + ")"


class SQLiteFTS5:
    """An FTS5 table `search_fts(title, names, body, subwords)` whose rowid is the IndexEntry id."""

    vendor = "sqlite"
    weights = (10.0, 5.0, 1.0, 0.0)  # bm25 weights of title, names, body, subwords (autocomplete)

    def match_expression(self, clauses, fuzzy=None, names_only=False):
        """Every clause (AND) in the word fields: autocomplete and the benchmark's raw floor."""
        parts = []
        for clause in clauses:
            options = list(clause.alternatives) + [(w,) for w in (fuzzy or {}).get(clause.typed, ())]
            parts.append(_fts5_options(options, clause.prefix))
        expression = " AND ".join(parts)
        return ("{title names} : (" if names_only else WORD_FIELDS + " : (") + expression + ")"

    def clause_expression(self, clause, level):
        """The clause asked in one field ("title", "names"), in any word field ("exact"), by its
        near alternatives ("near": spelling neighbours) or by its sub-word phrase ("subwords");
        None when the clause has nothing to ask there."""
        if level == "near":
            near = clause.approximate_alternatives()
            return WORD_FIELDS + " : " + _fts5_options(near) if near else None
        if level == "subwords":
            return "{subwords} : " + _fts5_quote(" ".join(clause.subwords)) if clause.subwords else None
        fields = {"title": "{title}", "names": "{names}", "exact": WORD_FIELDS}[level]
        return fields + " : " + _fts5_options(clause.exact_alternatives(), clause.prefix)

    def matching_ids_sql(self, level="exact"):
        """The statement for a `clause_expression` of `level` (here the expression names the
        columns itself)."""
        return "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"

    # Text matches among a few entries (a patch's changed ones): their text is copied into a
    # small FTS5 table of this connection's own and the same MATCH asked of it. (A MATCH with
    # `rowid = ?` or a rowid range seeks the word's posting list in every segment of the whole
    # index: 0.6-1.2 ms per common word and entry, 120-160 ms for 128 common words on a loaded
    # machine at 25,000 documents; on the copy 11-16 ms in all.)
    CHANGED = "search_fts_changed"

    def restrict_to(self, cursor, pks):
        """Make `restricted_ids_sql` statements ask only the entries `pks` (sorted ids): here
        copies their text; (SQL to put before the statement, its parameters): none here."""
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{self.CHANGED} "
            "USING fts5(title, names, body, subwords, tokenize = 'ascii')"
        )
        cursor.execute(f"DELETE FROM temp.{self.CHANGED}")  # noqa: S608
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))  # placeholders only: the ids are parameters
            cursor.execute(
                f"INSERT INTO temp.{self.CHANGED} (rowid, title, names, body, subwords) "  # noqa: S608
                f"SELECT rowid, title, names, body, subwords FROM main.search_fts WHERE rowid IN ({marks})",
                chunk,
            )
        return "", []

    def restricted_ids_sql(self, statement):
        """`statement` (of `matching_ids_sql`) asked among the entries of `restrict_to` only,
        with the same parameters."""
        if statement != self.matching_ids_sql():
            raise ValueError(f"not a text-match statement: {statement}")
        return f"SELECT rowid FROM temp.{self.CHANGED} WHERE {self.CHANGED} MATCH %s"  # noqa: S608

    def ranked_sql(self, where, order, limit):
        """Ids and scores of matching entries, best first (bm25 is lower for better)."""
        w = ", ".join(str(x) for x in self.weights)
        order_by = {"relevance": "score DESC, e.sort_title", "title": "e.sort_title, e.id"}.get(
            order, "e.date DESC, score DESC"
        )
        return (
            f"SELECT e.id, -bm25(search_fts, {w}) AS score FROM search_fts "  # noqa: S608
            f"JOIN search_indexentry e ON e.id = search_fts.rowid "
            f"WHERE search_fts MATCH %s AND {where} ORDER BY {order_by} {limit}"
        )

    def write(self, cursor, rows):
        """rows: [(entry id, title tokens, name tokens, body tokens, sub-word tokens)]"""
        if not rows:
            return
        cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(r[0],) for r in rows])
        cursor.executemany(
            "INSERT INTO search_fts (rowid, title, names, body, subwords) VALUES (%s, %s, %s, %s, %s)", rows
        )

    def remove(self, cursor, ids):
        cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in ids])

    def clear(self, cursor, ids=None):
        if ids is None:
            cursor.execute("DELETE FROM search_fts")
        else:
            self.remove(cursor, ids)


class PostgresFTS:
    """tsvector columns on search_indexentry, each GIN-indexed, built from our tokens: `vector`
    holds the word fields with weights naming them (title A, names B, body D: the names-only
    autocomplete match and ts_rank read them); `title_vector`, `names_vector` and
    `subword_vector` hold one field each, unweighted. No PostgreSQL text parser or dictionary is
    involved, so Khmer and Thai words stay exactly as ICU segmented them.

    A clause's field levels ask each their own column, without weights: GIN keeps no weights,
    so a weighted tsquery (`'legal':A`) makes PostgreSQL recheck every row holding the word,
    reading its whole tsvector back from TOAST (`legal`, in 9,500 of 25,000 documents: 110-130
    ms per level, 7 ms unweighted). Phrases (`<->`, positions) are still rechecked: sub-words.
    The columns keep no planner statistics (migration 0011), so a common word never tempts
    the planner into a sequential scan, which reads every row's vector."""

    vendor = "postgresql"
    # The column each clause level asks (see SQLiteFTS5.clause_expression); "exact" and "near"
    # ask every word field: `vector`; "subwords" asks SUBWORDS_SQL.
    level_columns = {"title": "title_vector", "names": "names_vector"}

    def _lexeme(self, alternative, prefix=False, weight=""):
        if len(alternative) == 1:
            suffix = ("*" if prefix else "") + weight
            return _pg_quote(alternative[0]) + (":" + suffix if suffix else "")
        words = [_pg_quote(w) + (":" + weight if weight else "") for w in alternative]
        return "(" + " <-> ".join(words) + ")"

    def match_expression(self, clauses, fuzzy=None, names_only=False):
        weight = "AB" if names_only else ""
        parts = []
        for clause in clauses:
            options = [self._lexeme(alt, clause.prefix, weight) for alt in clause.alternatives]
            options += [self._lexeme((w,), False, weight) for w in (fuzzy or {}).get(clause.typed, ())]
            parts.append("(" + " | ".join(options) + ")")
        return " & ".join(parts)

    def _options(self, alternatives, prefix=False):
        return "(" + " | ".join(self._lexeme(a, prefix) for a in alternatives) + ")"

    def clause_expression(self, clause, level):
        """As SQLiteFTS5.clause_expression; the field is the column `matching_ids_sql(level)` asks."""
        if level == "near":
            near = clause.approximate_alternatives()
            return self._options(near) if near else None
        if level == "subwords":
            if not clause.subwords:
                return None
            # The parameters of SUBWORDS_SQL, in its order.
            pieces = " & ".join(_pg_quote(w) for w in clause.subwords)
            return (pieces, self.clause_expression(clause, "exact"), self._lexeme(clause.subwords))
        return self._options(clause.exact_alternatives(), clause.prefix)

    # A word's sub-word phrase (`'ជំនួ' <-> 'នួយ'`) needs positions, so GIN rechecks every row
    # holding the pieces, reading its sub-words back from TOAST: for a common Khmer word 12,000
    # rows and 150-400 ms. The engine only uses the rows the whole word does not match (`near`
    # is sub-words minus exact), a few hundred: those are worked out first with position-free
    # (recheck-free) scans, and the phrase is tested on them alone (`IS TRUE` keeps the planner
    # from answering it with the index over the whole table).
    SUBWORDS_SQL = (
        "SELECT e.id FROM search_indexentry e JOIN ("
        "SELECT id FROM search_indexentry WHERE subword_vector @@ CAST(%s AS tsquery) "
        "EXCEPT SELECT id FROM search_indexentry WHERE vector @@ CAST(%s AS tsquery)"
        ") c ON c.id = e.id WHERE (e.subword_vector @@ CAST(%s AS tsquery)) IS TRUE"
    )

    def matching_ids_sql(self, level="exact"):
        """The statement for a `clause_expression` of `level`: one parameter, or for "subwords"
        the three of SUBWORDS_SQL (its ids are only those the exact level does not match)."""
        if level == "subwords":
            return self.SUBWORDS_SQL
        column = self.level_columns.get(level, "vector")
        return f"SELECT id FROM search_indexentry WHERE {column} @@ CAST(%s AS tsquery)"  # noqa: S608

    # Text matches among a few entries (a patch's changed ones): their rows are read once by
    # primary key into `changed` (a materialized CTE; `|| ''` keeps each vector there
    # decompressed, so the matches do not read it back from TOAST once each) and every match
    # is tested on those rows. (The statements above, even restricted by id, read each row's
    # vector once per match, 40 ms for 128 common words and one entry, 450 ms for 200
    # entries; SUBWORDS_SQL wrapped in `WHERE id IN` still scans GIN for the whole word, 60 ms.
    # This way 10-14 ms and 50 ms, on a loaded machine at 25,000 documents.)
    CHANGED_SQL = (
        "WITH changed AS MATERIALIZED (SELECT id, vector || ''::tsvector AS vector, "
        "title_vector || ''::tsvector AS title_vector, names_vector || ''::tsvector AS names_vector, "
        "subword_vector || ''::tsvector AS subword_vector "
        "FROM search_indexentry WHERE id = ANY(CAST(%s AS bigint[]))) "
    )
    # SUBWORDS_SQL's ids among them: the pieces and the phrase, not the whole word (a row whose
    # `vector` is NULL is not among those the whole word matches, as in the EXCEPT).
    CHANGED_SUBWORDS_SQL = (
        "SELECT id FROM changed WHERE subword_vector @@ CAST(%s AS tsquery) "
        "AND (vector @@ CAST(%s AS tsquery)) IS NOT TRUE AND subword_vector @@ CAST(%s AS tsquery)"
    )

    def restrict_to(self, cursor, pks):
        """As SQLiteFTS5.restrict_to: (the `changed` rows' CTE, its parameter: the ids)."""
        return self.CHANGED_SQL, [list(pks)]

    def restricted_ids_sql(self, statement):
        """`statement` (of `matching_ids_sql`) asked of the `changed` rows, same parameters."""
        if statement == self.SUBWORDS_SQL:
            return self.CHANGED_SUBWORDS_SQL
        for level in ("exact", *self.level_columns):
            if statement == self.matching_ids_sql(level):
                column = self.level_columns.get(level, "vector")
                return f"SELECT id FROM changed WHERE {column} @@ CAST(%s AS tsquery)"  # noqa: S608
        raise ValueError(f"not a text-match statement: {statement}")

    def ranked_sql(self, where, order, limit):
        order_by = {"relevance": "score DESC, e.sort_title", "title": "e.sort_title, e.id"}.get(
            order, "e.date DESC NULLS LAST, score DESC"
        )
        return (
            "SELECT e.id, ts_rank(e.vector, q.q) AS score FROM search_indexentry e, "  # noqa: S608
            "(SELECT CAST(%s AS tsquery) AS q) q "
            f"WHERE e.vector @@ q.q AND {where} ORDER BY {order_by} {limit}"
        )

    @staticmethod
    def vector_literal(title, names, body, subwords=""):
        """A tsvector literal of the four fields with positions and weights (sub-words C); fields
        are 100 positions apart so a phrase never spans two fields. (Positions stop at 16383: a
        phrase past that point of a very long document, body or sub-words, is not found; single
        words still are.) `SPLIT` shares it out to the columns."""
        out = []
        position = 1
        for tokens, weight in ((title, "A"), (names, "B"), (body, "D"), (subwords, "C")):
            for token in tokens.split():
                out.append(f"{_pg_quote(token)}:{min(position, 16383)}{weight}")
                position += 1
            position += 100
        return " ".join(out)

    # The columns from one `vector_literal` `v` (weight D is no weight). Migration 0011 applies
    # the same split to the vectors stored before it.
    SPLIT = (
        "vector = ts_filter(v, '{a,b,d}'), title_vector = setweight(ts_filter(v, '{a}'), 'D'), "
        "names_vector = setweight(ts_filter(v, '{b}'), 'D'), "
        "subword_vector = setweight(ts_filter(v, '{c}'), 'D')"
    )

    def write(self, cursor, rows):
        cursor.executemany(
            f"UPDATE search_indexentry SET {self.SPLIT} "  # noqa: S608
            "FROM (SELECT CAST(%s AS tsvector) AS v) x WHERE id = %s",
            [(self.vector_literal(t, n, b, sw), i) for i, t, n, b, sw in rows],
        )

    def remove(self, cursor, ids):
        pass  # the vectors live on the entry row, deleted with it

    def clear(self, cursor, ids=None):
        pass


def dialect_for(connection):
    if connection.vendor == "postgresql":
        return PostgresFTS()
    if connection.vendor == "sqlite":
        return SQLiteFTS5()
    raise RuntimeError(f"The database search engine supports SQLite and PostgreSQL, not {connection.vendor}.")
