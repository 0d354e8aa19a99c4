"""The tables of repeated-reply groups: every statement rag/index/repeats.py needs.

``passage_groups`` (a passage's group), ``group_keys`` (sketch keys of long
replies), and the two queues the passage triggers fill inside each file's
transaction: ``groups_pending`` (passages to group) and ``groups_dirty``
(groups that lost a member).
"""
from __future__ import annotations

from typing import Any, Sequence

from .conferences import PassageRow, PASSAGE_COLUMNS, passage_row
from .database import Database


class GroupTables(Database):
    """Groups of near-identical replies; a group's id is its smallest passage id."""

    # -- reading groups ---------------------------------------------------------
    def group_of(self, passage_ids: Sequence[int]) -> dict[int, int]:
        """Group id by passage id; a passage not grouped yet is its own group."""
        ids = [int(i) for i in passage_ids]
        out = {i: i for i in ids}
        out.update(self._in_batches(
            "SELECT passage_id, group_id FROM passage_groups WHERE passage_id IN ({marks})", ids))
        return out

    def group_members(self, group_ids: Sequence[int]) -> dict[int, list[PassageRow]]:
        """Members of each group, oldest first."""
        out: dict[int, list[PassageRow]] = {}
        shown = self.display_names()   # ConferenceTables', beside this in Store
        for row in self._in_batches(
                f"SELECT g.group_id, {PASSAGE_COLUMNS} FROM passage_groups g "
                "JOIN passages p ON p.id = g.passage_id "
                "JOIN conferences c ON c.id = p.conference_id "
                "WHERE g.group_id IN ({marks}) ORDER BY p.date, c.source, p.ordinal",
                [int(g) for g in group_ids]):
            out.setdefault(row[0], []).append(passage_row(row[1:], shown))
        return out

    def group_sizes(self, min_size: int = 2, limit: int | None = None,
                    min_words: int = 1) -> list[dict[str, Any]]:
        """Groups of at least ``min_size`` replies, largest first: size, first
        and last date, and the newest wording; ``min_words``: only groups whose
        newest wording has at least that many words (walked largest first
        until ``limit`` are found, so the short ones cost no more than a look)."""
        sized_in_sql = limit and min_words <= 1
        rows = self.db.execute(
            "SELECT g.group_id, count(*) n, min(p.date), max(p.date) FROM passage_groups g "
            "JOIN passages p ON p.id = g.passage_id GROUP BY g.group_id HAVING n >= ? "
            "ORDER BY n DESC, min(p.date), g.group_id" + (" LIMIT ?" if sized_in_sql else ""),
            (min_size, limit) if sized_in_sql else (min_size,)).fetchall()
        out = []
        for gid, n, first, last in rows:
            newest = self.db.execute(
                "SELECT p.id, p.text FROM passage_groups g JOIN passages p ON p.id = g.passage_id "
                "WHERE g.group_id = ? ORDER BY p.date DESC, p.id LIMIT 1", (gid,)).fetchone()
            if len(newest[1].split()) < min_words:
                continue
            out.append({"group_id": gid, "size": n, "first_date": first, "last_date": last,
                        "passage_id": newest[0], "text": newest[1]})
            if limit and len(out) == limit:
                break
        return out

    def group_assignments(self) -> list[tuple[int, int]]:
        """(passage id, group id) of every grouped passage."""
        return self.db.execute("SELECT passage_id, group_id FROM passage_groups").fetchall()

    # -- looking up candidates for a new passage ----------------------------------
    def identical_group(self, norm_hash: str) -> tuple[int, int] | None:
        """(passage id, group id) of a grouped passage with this normalized text."""
        return self.db.execute("SELECT passage_id, group_id FROM passage_groups "
                               "WHERE norm_hash = ? LIMIT 1", (norm_hash,)).fetchone()

    def grouped_by_length(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """(passage id, group id, text) of grouped replies of a normalized length in [lo, hi]."""
        return self.db.execute(
            "SELECT g.passage_id, g.group_id, p.text FROM passage_groups g "
            "JOIN passages p ON p.id = g.passage_id WHERE g.len BETWEEN ? AND ?",
            (lo, hi)).fetchall()

    def sharing_keys(self, keys: Sequence[int], lo: int, hi: int, postings: int) -> list[int]:
        """Passage ids holding each sketch key (at most ``postings`` a key, of
        a length in [lo, hi]), once per key held."""
        # one statement: each key's postings capped, so a common 4-gram costs little
        sql = " UNION ALL ".join(
            ["SELECT * FROM (SELECT passage_id FROM group_keys WHERE key = ? "
             "AND len BETWEEN ? AND ? LIMIT ?)"] * len(keys))
        args: list[int] = []
        for key in keys:
            args += [key, lo, hi, postings]
        return [r[0] for r in self.db.execute(sql, args)]

    def grouped_texts(self, passage_ids: Sequence[int]) -> list[tuple[int, int, str]]:
        """(passage id, group id, text) of the given grouped passages."""
        return list(self._in_batches(
            "SELECT g.passage_id, g.group_id, p.text FROM passage_groups g "
            "JOIN passages p ON p.id = g.passage_id WHERE g.passage_id IN ({marks})",
            passage_ids))

    def group_texts(self, group_id: int) -> list[tuple[int, str]]:
        """(passage id, text) of a group's members."""
        return self.db.execute("SELECT p.id, p.text FROM passage_groups g JOIN passages p "
                               "ON p.id = g.passage_id WHERE g.group_id = ?",
                               (group_id,)).fetchall()

    # -- writing groups (inside the caller's ``write()`` transaction) -------------
    def merge_groups(self, target: int, group_ids: Sequence[int]) -> None:
        marks = ",".join("?" * len(group_ids))
        self.db.execute(f"UPDATE passage_groups SET group_id = ? WHERE group_id IN ({marks})",
                        (target, *group_ids))

    def put_group(self, passage_id: int, group_id: int, norm_hash: str, length: int,
                  keys: Sequence[int]) -> None:
        self.db.execute("INSERT OR REPLACE INTO passage_groups(passage_id, group_id, norm_hash, "
                        "len) VALUES (?,?,?,?)", (passage_id, group_id, norm_hash, length))
        if keys:
            self.db.executemany("INSERT INTO group_keys(key, len, passage_id) VALUES (?,?,?)",
                                [(k, length, passage_id) for k in keys])

    def move_to_group(self, group_id: int, passage_ids: Sequence[int]) -> None:
        marks = ",".join("?" * len(passage_ids))
        self.db.execute(f"UPDATE passage_groups SET group_id = ? WHERE passage_id IN ({marks})",
                        (group_id, *passage_ids))

    # -- the queues ---------------------------------------------------------------
    def groups_queued(self) -> bool:
        """Is there grouping work left (passages pending or groups dirty)?"""
        return bool(self.db.execute("SELECT EXISTS(SELECT 1 FROM groups_dirty) "
                                    "OR EXISTS(SELECT 1 FROM groups_pending)").fetchone()[0])

    def pending_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM groups_pending").fetchone()[0])

    def take_dirty_groups(self) -> list[int]:
        """Dirty group ids, oldest id first, and the queue emptied."""
        gids = [r[0] for r in self.db.execute(
            "SELECT group_id FROM groups_dirty ORDER BY group_id").fetchall()]
        self.db.execute("DELETE FROM groups_dirty")
        return gids

    def pending_passages(self, limit: int) -> list[tuple[int, str]]:
        """(passage id, text) of up to ``limit`` queued passages, by id."""
        return self.db.execute("SELECT q.passage_id, p.text FROM groups_pending q "
                               "JOIN passages p ON p.id = q.passage_id "
                               "ORDER BY q.passage_id LIMIT ?", (limit,)).fetchall()

    def unqueue(self, passage_ids: Sequence[int] | None = None) -> None:
        """Take passages off the pending queue (None: all of them, queued ids
        whose passage is gone included)."""
        if passage_ids is None:
            self.db.execute("DELETE FROM groups_pending")
        else:
            self.db.executemany("DELETE FROM groups_pending WHERE passage_id = ?",
                                [(pid,) for pid in passage_ids])

    def reset_groups(self) -> None:
        """Forget every group and queue every passage again."""
        self.db.execute("DELETE FROM passage_groups")
        self.db.execute("DELETE FROM groups_dirty")
        self.db.execute("INSERT OR IGNORE INTO groups_pending(passage_id) SELECT id FROM passages")
