"""The naive baseline the issue compares against: Whoosh + jieba's ChineseAnalyzer + groupedby.

What a first attempt looks like: one Whoosh document per paragraph, the text analysed
by `jieba.analyse.ChineseAnalyzer` (search-mode cuts, positions by character), facet
fields as plain ID fields (no columns), the default writer, Whoosh's `QueryParser`,
and facet counts by `groupedby` (`FieldFacet(allow_overlap=True)` for problem types).
Paragraphs come from the same parser as ours (`indexer.parsing.parse_file`), so both
index the same paragraphs; notice metadata comes from the corpus manifest when the
parser does not provide it, and paragraph facets from a naive keyword classifier.

    python bench/baseline.py build  --data DIR --index DIR
    python bench/baseline.py update --data DIR --index DIR --file PATH
    python bench/baseline.py query  --index DIR            (JSON timings on stdout)
    python bench/baseline.py recall --index DIR            (JSON matching keys on stdout)
    python bench/baseline.py serve  --index DIR --port N   (/api/search under waitress)
"""

import argparse
import json
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import jieba  # noqa: E402
from jieba.analyse import ChineseAnalyzer  # noqa: E402
from whoosh import index as whoosh_index  # noqa: E402
from whoosh import query as wq  # noqa: E402
from whoosh import sorting  # noqa: E402
from whoosh.fields import ID, KEYWORD, TEXT, Schema  # noqa: E402
from whoosh.qparser import QueryParser  # noqa: E402

from indexer.parsing import parse_file  # noqa: E402
from queries import QUERIES  # noqa: E402

FACETS = ("category", "problem_type", "role", "notice", "province", "city", "year", "level")
#: DOMAIN.md's problem-type table, as a naive system would hard-code it.
TAXONOMY = {
    "理论学习": ("理论学习", "中心组", "第一议题", "学习笔记", "学习教育", "两学一做"),
    "意识形态": ("意识形态", "网络阵地", "舆情", "宣传阵地", "网评员", "三审"),
    "主体责任与党风廉政": ("主体责任", "一岗双责", "党风廉政", "廉政风险", "廉政谈话", "警示教育", "从严治党"),
    "中央八项规定精神": ("八项规定", "差旅费", "公车", "公务用车", "公务接待", "津补贴", "评审费", "乱发滥补"),
    "形式主义官僚主义": ("形式主义", "官僚主义", "文风", "会风", "抄袭", "躺平", "走过场"),
    "财务与资产管理": ("财务", "固定资产", "资产", "预算", "资金", "报销", "采购", "内控", "票据", "账"),
    "民主集中制与三重一大": ("三重一大", "民主集中制", "末位表态", "议事规则", "集体决策"),
    "组织生活": ("三会一课", "组织生活会", "民主生活会", "主题党日", "批评与自我批评", "谈心谈话", "发展党员"),
    "选人用人与干部队伍": ("选人用人", "干部选任", "干部队伍", "年龄结构", "后备干部", "转正定级", "因私出国",
                           "兼职", "考勤", "请销假"),
    "保密与档案公文": ("保密", "档案", "公文", "收发文", "印章", "会议记录"),
    "安全生产": ("安全生产", "消防", "安全隐患"),
    "服务群众与民生": ("服务群众", "惠民", "群众需求", "投诉", "急难愁盼", "乡村振兴", "帮扶"),
    "行业与协会监管": ("协会", "年检", "行业监管", "文化市场", "执法"),
    "上轮问题整改": ("上一轮", "上轮", "审计", "回头看", "反弹"),
}
AREAS = (
    ("党中央决策部署落实", ("决策部署", "路线方针")),
    ("群众身边腐败和不正之风", ("腐败", "不正之风", "管党治党")),
    ("基层党组织建设", ("党组织建设", "党建主体", "一把手")),
    ("巡视巡察审计整改", ("巡视巡察", "审计")),
    ("下一步工作", ("下一步", "长效机制", "发展能力")),
    ("整改组织推进", ("组织", "主体责任", "领导能力")),
)


def make_schema():
    return Schema(key=ID(stored=True, unique=True), text=TEXT(analyzer=ChineseAnalyzer(), stored=True),
                  notice=ID(stored=True), province=ID(stored=True), city=ID(stored=True), year=ID(stored=True),
                  level=ID(stored=True), category=ID(stored=True), role=ID(stored=True),
                  problem_type=KEYWORD(stored=True, commas=True))


def _role(text):
    if text.startswith(("关于", "针对")) or text.endswith(("问题", "问题。")):
        return "问题"
    if "联系电话" in text:
        return "联系方式"
    if text.startswith(("根据", "按照")) and "巡察" in text[:40]:
        return "概述"
    if any(w in text[:12] for w in ("已完成", "完成情况")):
        return "整改成效"
    return "整改措施"


def _manifest(data_dir):
    path = Path(data_dir).parent / "manifest.jsonl"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as lines:
        return {m["source"]: m for m in map(json.loads, lines)}


def documents(path, data_dir, manifest):
    """The baseline's documents of one notice file: one per paragraph, keyed source#n."""
    notice = parse_file(path, root=data_dir)
    meta = manifest.get(notice.source, {})
    base = {"notice": notice.source,
            "province": notice.region.province or meta.get("province"),
            "city": notice.region.city or meta.get("city"),
            "year": str(notice.year or meta.get("year") or ""),
            "level": notice.level or meta.get("level")}
    category = None
    for paragraph in notice.paragraphs:
        heading = paragraph.headings[-1] if paragraph.headings else ""
        category = paragraph.category or next((c for c, ws in AREAS if any(w in heading for w in ws)), category)
        context = paragraph.text + heading
        types = paragraph.problem_types or [t for t, ws in TAXONOMY.items() if any(w in context for w in ws)]
        doc = dict(base, key=f"{notice.source}#{paragraph.n}", text=paragraph.text, category=category,
                   role=paragraph.role or _role(paragraph.text), problem_type=",".join(types))
        yield {k: v for k, v in doc.items() if v}


def notice_files(data_dir):
    return sorted(p for p in Path(data_dir).rglob("*.txt") if p.is_file())


def cmd_build(args):
    jieba.setLogLevel(logging.WARNING)
    Path(args.index).mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(args.index, make_schema())
    writer = ix.writer()
    manifest = _manifest(args.data)
    count = 0
    for path in notice_files(args.data):
        for doc in documents(path, args.data, manifest):
            writer.add_document(**doc)
            count += 1
    writer.commit()
    print(json.dumps({"paragraphs": count}))


def cmd_update(args):
    """Replace one notice's paragraphs: delete by notice, add again, commit (default merge)."""
    jieba.setLogLevel(logging.WARNING)
    started = time.perf_counter()
    ix = whoosh_index.open_dir(args.index)
    path = Path(args.file)
    source = path.relative_to(args.data).as_posix()
    writer = ix.writer()
    writer.delete_by_term("notice", source)
    for doc in documents(path, args.data, _manifest(args.data)):
        writer.add_document(**doc)
    writer.commit()
    print(json.dumps({"seconds": time.perf_counter() - started}))


class Searcher:
    """One open searcher, reused for every query, as a server would."""

    def __init__(self, index_dir):
        self.ix = whoosh_index.open_dir(index_dir)
        self.searcher = self.ix.searcher()
        self.parser = QueryParser("text", self.ix.schema)
        self.facets = sorting.Facets()
        for name in FACETS:
            self.facets.add_field(name, allow_overlap=name == "problem_type")

    def parse(self, q):
        # Whoosh's parser has no "-word": write it as NOT, the way a user would be told to.
        return self.parser.parse(" ".join("NOT " + w[1:] if w.startswith("-") else w for w in q.split()))

    @staticmethod
    def filter(filters):
        parts = [wq.Or([wq.Term(name, v) for v in values]) for name, values in filters.items() if values]
        return wq.And(parts) if parts else None

    def search(self, q, filters, limit=20):
        """Top hits (stored fields) and every facet's counts, as the page would need them."""
        results = self.searcher.search(self.parse(q), limit=limit, filter=self.filter(filters),
                                       groupedby=self.facets, maptype=sorting.Count)
        hits = [hit.fields() for hit in results]
        facets = {name: results.groups(name) for name in FACETS}
        return len(results), hits, facets

    def matching_keys(self, q, filters):
        results = self.searcher.search(self.parse(q), limit=None, filter=self.filter(filters))
        return sorted(self.searcher.stored_fields(d)["key"] for d in results.docs())


def cmd_query(args):
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    started = time.perf_counter()
    searcher = Searcher(args.index)
    opened = time.perf_counter() - started
    passes = []
    for _ in range(args.passes):
        timings = []
        for kind, q, filters in QUERIES:
            t0, c0 = time.perf_counter(), time.process_time()
            total, hits, _facets = searcher.search(q, filters)
            timings.append({"kind": kind, "q": q, "filters": filters, "ms": (time.perf_counter() - t0) * 1000,
                            "cpu_ms": (time.process_time() - c0) * 1000,
                            "total": total, "top": [h["key"] for h in hits]})
        passes.append(timings)
    print(json.dumps({"open_s": opened, "passes": passes, "status": _status()}, ensure_ascii=False))


def cmd_recall(args):
    jieba.setLogLevel(logging.WARNING)
    searcher = Searcher(args.index)
    out = {q: searcher.matching_keys(q, filters) for kind, q, filters in QUERIES if not filters}
    print(json.dumps(out, ensure_ascii=False))


def cmd_serve(args):
    import waitress
    from flask import Flask, jsonify, request

    jieba.setLogLevel(logging.WARNING)
    app = Flask(__name__)
    searcher = Searcher(args.index)

    @app.get("/api/search")
    def search():
        """Search paragraphs; answer with hits and facet counts."""
        filters = {name: request.args.getlist(name) for name in FACETS if request.args.getlist(name)}
        total, hits, facets = searcher.search(request.args.get("q", ""), filters)
        counts = {name: {value or "": count for value, count in values.items()} for name, values in facets.items()}
        return jsonify({"ok": True, "total": total, "hits": hits, "facets": counts})

    waitress.serve(app, host="127.0.0.1", port=args.port, threads=8)


def _status():
    fields = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS", "VmHWM", "RssAnon", "RssFile")):
                key, value = line.split(":")
                fields[key] = int(value.split()[0]) * 1024
    return fields


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func in (("build", cmd_build), ("update", cmd_update), ("query", cmd_query),
                       ("recall", cmd_recall), ("serve", cmd_serve)):
        p = sub.add_parser(name)
        p.add_argument("--index", required=True)
        if name in ("build", "update"):
            p.add_argument("--data", required=True)
        if name == "update":
            p.add_argument("--file", required=True)
        if name == "query":
            p.add_argument("--passes", type=int, default=2)
        if name == "serve":
            p.add_argument("--port", type=int, required=True)
        p.set_defaults(func=func)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
