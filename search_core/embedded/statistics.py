"""Counts over a search's matches: problem types by place and year, completion rates, units, roles.

Every table is computed from the per-document codes the facets already hold
(`counting`), with bincounts and small matrix products, never a Python loop
over paragraphs:

* paragraphs of a problem type and a value: the matches' (combination of
  types, value) pairs are counted, then spread over the types of each
  combination (`members`);
* notices of a problem type and a value: a notice × type table of the matches
  (which types each matching notice has), then counted per value;
* completion: the figures each notice states (problems fed back and done,
  measures planned and done), summed over the matching notices of a value,
  only where a notice states both figures of a pair.
"""

import threading

import numpy as np

from ..results import StatsTable
from .counting import NoticeRuns, bits_table

#: Most values a long facet (cities, provinces, units) lists as rows or columns, by count.
TOP = 12
#: The completion figures of a notice (`indexer.notice.Stats`), in the order of the columns below.
FIGURES = ("problems", "problems_done", "measures", "measures_done")
COMPLETION_COLUMNS = ["通报", "反馈问题", "已整改", "整改率", "整改措施", "已完成", "完成率"]


class NoticeFields:
    """What statistics need of every notice besides the facets: its figures, its unit and inspecting body."""

    def __init__(self, snap):
        self.figures = np.array([[_number(entry.get("stats", {}).get(f)) for f in FIGURES] for entry in snap.catalog],
                                dtype=np.float64).reshape(len(snap.catalog), len(FIGURES))
        for field in ("issuer", "inspector"):
            values = [entry.get(field) or "" for entry in snap.catalog]
            names = sorted({v for v in values if v})
            index = {v: i for i, v in enumerate(names)}
            setattr(self, field + "s", names)
            setattr(self, field + "_of", np.array([index.get(v, -1) for v in values], dtype=np.int64))


def _number(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else np.nan


_fields_lock = threading.Lock()


def notice_fields(snap):
    """The snapshot's NoticeFields, made on first use."""
    with _fields_lock:
        if not hasattr(snap, "_notice_fields"):
            snap._notice_fields = NoticeFields(snap)
    return snap._notice_fields


def tables(snap, docs):
    """The StatsTables of the matching documents `docs` (ascending document numbers)."""
    types = snap.facets["problem_type"]
    notices = snap.notice_of[docs]
    in_result = np.zeros(len(snap.catalog), dtype=bool)
    in_result[notices] = True
    combos = types.combo_of[docs]
    by_notice = _types_by_notice(snap, types, notices, combos)
    type_counts = np.bincount(combos, minlength=max(1, len(types.combos))) @ types.members if len(docs) else None
    type_rows = _order(types.values, type_counts)
    out = []
    for name, title, limit in (("province", "问题类型 × 省份", TOP), ("year", "问题类型 × 年份", None),
                               ("city", "问题类型 × 城市", TOP)):
        facet = snap.facets[name]
        values = facet.of_notice[notices]
        paragraphs = _per_type(types, combos, values, len(facet.values))
        notice_counts = np.stack([np.bincount(facet.of_notice[by_notice[:, t] & in_result & (facet.of_notice >= 0)],
                                              minlength=len(facet.values)) for t in range(by_notice.shape[1])]) \
            if by_notice.shape[1] else np.zeros((0, len(facet.values)), np.int64)
        columns = _columns(facet, paragraphs.sum(axis=0) if len(paragraphs) else np.zeros(len(facet.values)), limit)
        out.append(_matrix(f"type_{name}_paragraphs", f"{title}（段落）", types.values, type_rows, facet.values,
                           columns, paragraphs, "段", "problem_type", name))
        out.append(_matrix(f"type_{name}_notices", f"{title}（通报）", types.values, type_rows, facet.values,
                           columns, notice_counts, "份", "problem_type", name))
    roles = snap.facets["role"]  # a set per paragraph too: counted under each of its roles
    role_combos = _per_type(types, combos, roles.combo_of[docs], max(1, len(roles.combos)))
    by_role = (role_combos @ roles.members[:, :len(roles.values)]).astype(np.int64)
    out.append(_matrix("type_role_paragraphs", "问题类型 × 段落类型（段落）", types.values, type_rows, roles.values,
                       list(np.argsort(-by_role.sum(axis=0), kind="stable")) if len(by_role) else [],
                       by_role, "段", "problem_type", "role"))
    fields = notice_fields(snap)
    for name, title in (("province", "各省整改完成情况"), ("level", "各层级整改完成情况"), ("year", "各年份整改完成情况")):
        out.append(_completion(snap.facets[name], in_result, fields.figures, title, name))
    out.append(_top(fields.issuers, fields.issuer_of, in_result, notices, "issuers", "通报最多的单位", "单位"))
    out.append(_top(fields.inspectors, fields.inspector_of, in_result, notices, "inspectors", "巡察（巡视）组", None))
    return out


def _types_by_notice(snap, types, notices, combos):
    """A bool table, notice × problem type: which types the matching paragraphs of each notice have.

    Each notice's types are the OR of its paragraphs' type bits (`counting.NoticeRuns`), linear in the matches;
    a notice × combination table cost 150 M cells a request at 100,000 notices.
    """
    held = np.zeros((len(snap.catalog), len(types.values)), dtype=bool)
    if len(notices) and len(types.values):
        runs = NoticeRuns(notices)
        held[runs.owners] = bits_table(runs.union(types.bits[combos]), len(types.values))
    return held


def _per_type(types, combos, values, n_values):
    """Paragraphs per (problem type, value): `values` is each match's value code (-1: none)."""
    known = values >= 0
    if not len(types.values) or not n_values:
        return np.zeros((len(types.values), n_values), dtype=np.int64)
    pairs = np.bincount(combos[known].astype(np.int64) * n_values + values[known],
                        minlength=max(1, len(types.combos)) * n_values).reshape(-1, n_values)
    # Each type's row is the sum of its combinations' rows: an integer matrix product (numpy has no BLAS for
    # integers) cost ten times more, and one in floats waits on OpenBLAS threads on a busy machine.
    return np.stack([pairs[rows].sum(axis=0) for rows in types.holding])


def _order(values, counts):
    """Row order: by count, most first (then as the values sort)."""
    if counts is None or not len(values):
        return list(range(len(values)))
    counts = np.asarray(counts)[:len(values)]
    return [int(i) for i in np.argsort(-counts, kind="stable") if counts[i]]


def _columns(facet, counts, limit):
    """Column order: years newest first; other values by count, at most `limit`."""
    present = [i for i in range(len(facet.values)) if counts[i]]
    if facet.facet.name == "year":
        return sorted(present, key=lambda i: facet.facet.sort_key(facet.values[i]))
    present.sort(key=lambda i: (-counts[i], facet.facet.sort_key(facet.values[i])))
    return present[:limit] if limit else present


def _matrix(name, title, row_values, rows, column_values, columns, cells, unit, row_facet, column_facet):
    return StatsTable(name, title, [row_values[i] for i in rows], [column_values[j] for j in columns],
                      [[int(cells[i][j]) for j in columns] for i in rows], unit, row_facet, column_facet)


def _completion(facet, in_result, figures, title, name):
    """Per value of a notice facet: notices, and problems / measures fed back and done, with the rates."""
    codes = facet.of_notice
    chosen = in_result & (codes >= 0)
    count = np.bincount(codes[chosen], minlength=len(facet.values))
    sums = []
    for total, done in ((0, 1), (2, 3)):
        both = chosen & ~np.isnan(figures[:, total]) & ~np.isnan(figures[:, done])
        stated = np.bincount(codes[both], weights=figures[both, total], minlength=len(facet.values))
        finished = np.bincount(codes[both], weights=figures[both, done], minlength=len(facet.values))
        rate = np.divide(finished * 100, stated, out=np.full(len(facet.values), np.nan), where=stated > 0)
        sums += [stated, finished, rate]
    order = _columns(facet, count, TOP if name != "year" else None)
    cells = [[int(count[i])] + [_figure(sums[k][i], rate=k in (2, 5)) for k in range(6)] for i in order]
    return StatsTable(f"completion_{name}", title, [facet.values[i] for i in order], COMPLETION_COLUMNS, cells, "个",
                      name, None)


def _figure(value, rate):
    if np.isnan(value):
        return None
    return round(float(value), 1) if rate else int(value)


def _top(names, codes, in_result, notices, name, title, query_scope):
    """The units (or inspecting bodies) with the most matching notices, and their matching paragraphs."""
    known = in_result & (codes >= 0)
    count = np.bincount(codes[known], minlength=len(names))
    paragraphs = np.bincount(codes[notices] + 1, minlength=len(names) + 1)[1:]  # code -1 (none) counted apart
    order = [int(i) for i in np.argsort(-count, kind="stable")[:TOP] if count[i]]
    return StatsTable(name, title, [names[i] for i in order], ["通报", "段落"],
                      [[int(count[i]), int(paragraphs[i])] for i in order], "份", None, None, query_scope)
