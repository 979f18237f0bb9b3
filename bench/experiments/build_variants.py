"""Where a build's time goes, by removing one cost at a time (one process, CPU seconds).

    python bench/experiments/build_variants.py --data bench/work/corpus-s1-n1000/notices

Each variant parses the same files with `indexer.parsing.parse_file`, makes the same
documents with `indexer.schema.paragraph_documents`, and indexes them into a fresh Whoosh
index in /tmp with the project's analyzer, changing one thing:

  current          the project's schema and writer settings (LeanCodec, limitmb 768)
  no-positions     every TEXT field phrase=False: matching is by substring scan, so
                   Whoosh never needs positions (Phrase queries only re-rank)
  per-notice       no-positions, and title/issuer not indexed on every paragraph (they
                   are notice-level: scored once per notice and broadcast by docnum)
  text-only        per-notice, and headings not indexed either (one Whoosh field)
  cut-only         parse and jieba-cut every field, index nothing: the floor for any
                   design that keeps jieba words for ranking
  parse-only       parse only
"""

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH.parent))

from whoosh import index as whoosh_index  # noqa: E402
from whoosh.fields import TEXT, STORED  # noqa: E402

from indexer import schema as project_schema  # noqa: E402
from indexer.analysis import ChineseAnalyzer  # noqa: E402
from indexer.parsing import parse_file  # noqa: E402

VARIANTS = ("current", "no-positions", "per-notice", "text-only", "cut-only", "parse-only")


def make_schema(variant):
    schema = project_schema.make_schema()
    if variant == "current":
        return schema
    analyzer = ChineseAnalyzer()
    boosts = project_schema.FIELD_BOOSTS
    for name in ("text", "headings", "title", "issuer"):
        schema.remove(name)
        keep_indexed = name == "text" or (name == "headings" and variant != "text-only") or variant == "no-positions"
        if keep_indexed:
            schema.add(name, TEXT(analyzer=analyzer, stored=True, phrase=False, field_boost=boosts[name]))
        else:
            schema.add(name, STORED())
    return schema


def run(variant, files, data_dir):
    notices = []
    t0 = time.process_time()
    for path in files:
        notices.append(parse_file(path, root=data_dir))
    parse_cpu = time.process_time() - t0
    if variant == "parse-only":
        return {"parse_cpu": parse_cpu, "total_cpu": parse_cpu}
    t1 = time.process_time()
    paragraphs = 0
    folder = Path(tempfile.mkdtemp(prefix=f"variant-{variant}-"))
    try:
        if variant == "cut-only":
            analyzer = ChineseAnalyzer()
            for notice in notices:
                for doc in project_schema.paragraph_documents(notice):
                    paragraphs += 1
                    for name in ("text", "headings", "title", "issuer"):
                        for _ in analyzer(doc.get(name, ""), mode="index"):
                            pass
        else:
            ix = whoosh_index.create_in(str(folder), make_schema(variant))
            writer = ix.writer(limitmb=768, codec=getattr(project_schema, "LeanCodec", lambda: None)())
            for notice in notices:
                for doc in project_schema.paragraph_documents(notice):
                    writer.add_document(**doc)
                    paragraphs += 1
            writer.commit()
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    index_cpu = time.process_time() - t1
    return {"parse_cpu": parse_cpu, "index_cpu": index_cpu, "total_cpu": parse_cpu + index_cpu,
            "paragraphs": paragraphs, "size_mb": size / 1e6}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args(argv)
    data_dir = Path(args.data)
    files = sorted(p for p in data_dir.rglob("*.txt") if p.is_file())
    for variant in args.variants.split(","):
        result = run(variant, files, data_dir)
        print(json.dumps({"variant": variant, **{k: round(v, 2) if isinstance(v, float) else v
                                                 for k, v in result.items()}}), flush=True)


if __name__ == "__main__":
    main()
